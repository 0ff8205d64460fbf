/**
 * The one key schema of the conversation table, shared by the `dynamodb` store, the `agentcore`
 * store's session index, the local-development table creation and the CDK app, so they cannot drift.
 */
export const MEMORY_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Sessions of one actor, newest `updatedAt` first, in one Query. */
  sessionsIndex: { name: 'byUpdated', partitionKey: 'gpk', sortKey: 'gsk' },
  /** Epoch seconds after which DynamoDB may delete the item (MEMORY_RETENTION_DAYS). */
  ttlAttribute: 'ttl',
} as const;

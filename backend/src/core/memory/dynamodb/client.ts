/**
 * The DynamoDB client of the memory store: the SDK loaded on first use (it is large, and most
 * processes never need it), every failure mapped by ../store-errors.ts, and the
 * table created on a local endpoint (an emulator) when it is missing.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CloudEngineerError } from '../../../protocol';
import { storeError } from '../store-errors';
import { MEMORY_TABLE_SCHEMA } from './table';

export interface DynamoClientOptions {
  table: string;
  region: string;
  /**
   * An emulator's URL (DYNAMODB_ENDPOINT). Absent: the SDK's own resolution applies, including
   * AWS_ENDPOINT_URL_DYNAMODB, which is never shadowed here.
   */
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Create the table if it is missing: local development against an emulator only. */
  createTable?: boolean;
  maxAttempts?: number;
}

export type Sdk = typeof import('@aws-sdk/lib-dynamodb');

export interface Dynamo {
  doc: DynamoDBDocumentClient;
  sdk: Sdk;
}

/**
 * Thrown by `send` when a conditional write lost, so callers can tell it from a failure. Every caller
 * decides what losing means (a taken id, a retry); one that did not would be a write that lost a
 * race, worth trying again.
 */
export class ConditionFailedError extends CloudEngineerError {
  override readonly name = 'ConditionFailedError';
  readonly code = 'unavailable';
  constructor() {
    super('the conditional write lost');
  }
}

export function connect(options: DynamoClientOptions): () => Promise<Dynamo> {
  let ready: Promise<Dynamo> | undefined;
  return () => {
    ready ??= open(options).catch((error: unknown) => {
      ready = undefined; // a later call tries again (the emulator may have started since)
      throw storeError(error);
    });
    return ready;
  };
}

async function open(options: DynamoClientOptions): Promise<Dynamo> {
  const [low, sdk] = await Promise.all([import('@aws-sdk/client-dynamodb'), import('@aws-sdk/lib-dynamodb')]);
  const client = new low.DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  if (options.createTable) await ensureTable(client, low, options.table);
  const doc = sdk.DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return { doc, sdk };
}

type LowSdk = typeof import('@aws-sdk/client-dynamodb');

async function ensureTable(
  client: InstanceType<LowSdk['DynamoDBClient']>,
  low: LowSdk,
  table: string,
): Promise<void> {
  const s = MEMORY_TABLE_SCHEMA;
  try {
    await client.send(new low.DescribeTableCommand({ TableName: table }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
    await client
      .send(
        new low.CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            s.partitionKey,
            s.sortKey,
            s.sessionsIndex.partitionKey,
            s.sessionsIndex.sortKey,
          ].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: s.partitionKey, KeyType: 'HASH' },
            { AttributeName: s.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: s.sessionsIndex.name,
              KeySchema: [
                { AttributeName: s.sessionsIndex.partitionKey, KeyType: 'HASH' },
                { AttributeName: s.sessionsIndex.sortKey, KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      )
      .catch((e: { name?: string }) => {
        if (e.name !== 'ResourceInUseException') throw e; // another process created it first
      });
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new low.DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`table ${table} did not become active`);
}

/** Runs one SDK command; a lost condition becomes `ConditionFailedError`, anything else a store error. */
export async function send<T>(dynamo: Dynamo, command: object): Promise<T> {
  try {
    // The document client's overloads cannot be named generically; each caller states the output type.
    return (await dynamo.doc.send(command as never)) as T;
  } catch (error) {
    if ((error as { name?: string }).name === 'ConditionalCheckFailedException')
      throw new ConditionFailedError();
    throw storeError(error);
  }
}

/** {@link send} for a conditional write: undefined when the condition did not hold. */
export async function sendIf<T = object>(dynamo: Dynamo, command: object): Promise<T | undefined> {
  try {
    return await send<T>(dynamo, command);
  } catch (error) {
    if (error instanceof ConditionFailedError) return undefined;
    throw error;
  }
}

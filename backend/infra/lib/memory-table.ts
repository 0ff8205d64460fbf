/**
 * The conversation table (`MEMORY_STORE=dynamodb`) or, on AgentCore, the session index beside
 * AgentCore Memory: the key schema the stores use (MEMORY_TABLE_SCHEMA), on-demand, encrypted with
 * a KMS key, point-in-time recovery, TTL, and kept when the stack goes (conversations must survive).
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { MEMORY_TABLE_SCHEMA as S } from '../../src/core/memory/dynamodb/table';

/** What the stores call: item reads and writes, conditional writes, queries. No Scan, no admin. */
export const TABLE_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
] as const;

export class MemoryTable extends Construct {
  readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const str = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: str(S.partitionKey),
      sortKey: str(S.sortKey),
      globalSecondaryIndexes: [
        {
          indexName: S.sessionsIndex.name,
          partitionKey: str(S.sessionsIndex.partitionKey),
          sortKey: str(S.sessionsIndex.sortKey),
        },
      ],
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: S.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  grantData(grantee: iam.IGrantable) {
    // Table and its indexes by ARN; never `*`.
    return this.table.grant(grantee, ...TABLE_DATA_ACTIONS);
  }
}

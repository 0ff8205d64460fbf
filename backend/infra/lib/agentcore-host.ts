/**
 * The `agentcore` shape's host: the backend container (backend/Dockerfile, ARM64) as an AgentCore
 * Runtime behind a Cognito JWT authorizer, and AgentCore Memory for conversations (summary and
 * semantic strategies, events expiring after the retention period).
 */
import { Annotations, type CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as agentcore from 'aws-cdk-lib/aws-bedrockagentcore';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { Construct } from 'constructs';

/** What the `agentcore` store calls on the Memory data plane; no control-plane action. */
export const MEMORY_DATA_ACTIONS = [
  'bedrock-agentcore:CreateEvent',
  'bedrock-agentcore:GetEvent',
  'bedrock-agentcore:ListEvents',
  'bedrock-agentcore:DeleteEvent',
  'bedrock-agentcore:ListSessions',
  'bedrock-agentcore:RetrieveMemoryRecords',
  'bedrock-agentcore:ListMemoryRecords',
] as const;

export interface AgentCoreHostProps {
  /** The Docker build context (backend/) holding `Dockerfile`. */
  imageDir: string;
  userPool: cognito.IUserPool;
  client: cognito.IUserPoolClient;
  retention: Duration;
  /** The backend's environment; MEMORY_ID is added here, once the memory exists. */
  environment: Record<string, string>;
}

export class AgentCoreHost extends Construct {
  readonly memory: agentcore.Memory;
  readonly runtime: agentcore.Runtime;

  constructor(scope: Construct, id: string, props: AgentCoreHostProps) {
    super(scope, id);
    this.memory = new agentcore.Memory(this, 'Memory', {
      description: 'Cloud Engineer conversations',
      expirationDuration: props.retention,
      // Long-term records live under each actor's own namespace, which is where the store's
      // recall searches (RetrieveMemoryRecords with `/actors/{actorId}/`), and nowhere shared.
      memoryStrategies: [
        agentcore.MemoryStrategy.usingSummarization({
          strategyName: 'ConversationSummaries',
          namespaces: ['/actors/{actorId}/sessions/{sessionId}/summary'],
        }),
        agentcore.MemoryStrategy.usingSemantic({
          strategyName: 'Facts',
          namespaces: ['/actors/{actorId}/facts'],
        }),
      ],
    });
    // Conversations outlive the stack, like the table's (README, "Tearing it down").
    (this.memory.node.findChild('Memory') as CfnResource).applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.runtime = new agentcore.Runtime(this, 'Runtime', {
      description: 'Cloud Engineer agent: the invocation contract on /invocations',
      agentRuntimeArtifact: agentcore.AgentRuntimeArtifact.fromAsset(props.imageDir, {
        platform: Platform.LINUX_ARM64,
        file: 'Dockerfile',
        // With .dockerignore: never the CDK app, its cloud assembly or local conversations.
        exclude: ['infra', 'node_modules', '.data'],
      }),
      // Access tokens carry `client_id`, not `aud`: the authorizer checks allowedClients.
      authorizerConfiguration: agentcore.RuntimeAuthorizerConfiguration.usingCognito(props.userPool, [
        props.client,
      ]),
      // The container verifies the token again, so the runtime must forward the header.
      requestHeaderConfiguration: { allowlistedHeaders: ['Authorization'] },
      environmentVariables: { ...props.environment, MEMORY_ID: this.memory.memoryId },
      lifecycleConfiguration: {
        idleRuntimeSessionTimeout: Duration.minutes(15),
        maxLifetime: Duration.hours(8),
      },
    });
    this.memory.grant(this.runtime, ...MEMORY_DATA_ACTIONS);
    Annotations.of(this.runtime).acknowledgeInfo(
      'aws-cdk-lib.aws-bedrockagentcore:containerUriValidationSkipped',
      'The image URI is the asset CDK publishes; it is known only at deploy time.',
    );
  }
}

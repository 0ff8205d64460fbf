/**
 * One deployment of the backend, in the shape chosen at deploy time: shared sign-in, guardrail,
 * least-privilege role and observability, and either an AgentCore Runtime with AgentCore Memory
 * (plus the session index table) or a streaming Lambda with the DynamoDB conversation table.
 */
import { Aws, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { agentStatements } from './agent-policy';
import { AgentCoreHost } from './agentcore-host';
import { Auth } from './auth';
import type { InfraConfig } from './config';
import { Guardrail } from './guardrail';
import { LambdaHost } from './lambda-host';
import { MemoryTable } from './memory-table';
import { modelArns } from './model-arns';
import { Observability } from './observability';
import { DEPLOYMENT_OUTPUTS as OUT, MODE_OF_SHAPE } from './outputs';

export interface BackendStackProps extends StackProps {
  config: InfraConfig;
  /** `publisher.name` from the extension's package.json (its OAuth callback URI). */
  extensionId: string;
  /** backend/: the container's build context (`Dockerfile`) for `agentcore`. */
  imageDir: string;
  /** backend/dist/lambda: the bundled handler for `lambda`. */
  lambdaCodeDir: string;
}

export class BackendStack extends Stack {
  constructor(scope: Construct, id: string, props: BackendStackProps) {
    super(scope, id, props);
    const { config } = props;
    const auth = new Auth(this, 'Auth', {
      extensionId: props.extensionId,
      domainPrefix: config.domainPrefix ?? `cloud-engineer-${config.shape}-${Aws.ACCOUNT_ID}`,
      extraCallbackUrls: config.callbackUrls,
    });
    const guardrail = new Guardrail(this, 'Guardrail', { name: `${this.stackName}-guardrail` });
    const table = new MemoryTable(this, 'Conversations');
    const model = modelArns(config.modelId, config.modelRegions);

    // What both hosts read at start (backend/src/core/config.ts); AWS_REGION comes from the host.
    const environment: Record<string, string> = {
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: auth.userPool.userPoolId,
      COGNITO_CLIENT_ID: auth.client.userPoolClientId,
      MODEL_ID: config.modelId,
      GUARDRAIL_ID: guardrail.guardrail.attrGuardrailId,
      GUARDRAIL_VERSION: guardrail.version.attrVersion,
      MEMORY_TABLE: table.table.tableName,
      MEMORY_RETENTION_DAYS: String(config.retentionDays),
      TOOLS_MODE: config.toolsMode,
      // CloudWatch embedded-metric lines on stdout: the dashboard and alarms read them.
      METRICS: 'emf',
    };

    let principal: iam.IGrantable;
    const hostWidgets: cw.IWidget[] = [];
    if (config.shape === 'agentcore') {
      const host = new AgentCoreHost(this, 'AgentCore', {
        imageDir: props.imageDir,
        userPool: auth.userPool,
        client: auth.client,
        retention: Duration.days(config.retentionDays),
        // The runtime does not set AWS_REGION for the container's configuration.
        environment: { ...environment, MEMORY_STORE: 'agentcore', AWS_REGION: Aws.REGION },
      });
      principal = host.runtime;
      new CfnOutput(this, OUT.runtimeArn, { value: host.runtime.agentRuntimeArn });
      new CfnOutput(this, 'MemoryId', { value: host.memory.memoryId });
    } else {
      const host = new LambdaHost(this, 'Lambda', {
        codeDir: props.lambdaCodeDir,
        timeout: Duration.seconds(config.lambdaTimeoutSeconds),
        environment: { ...environment, MEMORY_STORE: 'dynamodb' },
      });
      principal = host.role;
      new CfnOutput(this, OUT.url, { value: host.url.url });
      hostWidgets.push(
        new cw.GraphWidget({
          title: 'Lambda',
          left: [host.fn.metricInvocations(), host.fn.metricErrors(), host.fn.metricThrottles()],
          right: [host.fn.metric('ConcurrentExecutions', { statistic: 'Maximum' })],
          width: 24,
          height: 6,
        }),
      );
    }
    table.grantData(principal);
    for (const statement of agentStatements(this, {
      model,
      guardrailArn: guardrail.arn,
      toolsMode: config.toolsMode,
    }))
      principal.grantPrincipal.addToPrincipalPolicy(statement);

    const observability = new Observability(this, 'Observability', {
      dashboardName: `${this.stackName}`,
      ttftP95AlarmMs: config.ttftP95AlarmMs,
      alarmEmail: config.alarmEmail,
      hostWidgets,
    });

    new CfnOutput(this, OUT.mode, { value: MODE_OF_SHAPE[config.shape] });
    new CfnOutput(this, OUT.region, { value: Aws.REGION });
    new CfnOutput(this, OUT.userPoolId, { value: auth.userPool.userPoolId });
    new CfnOutput(this, OUT.clientId, { value: auth.client.userPoolClientId });
    new CfnOutput(this, OUT.domain, { value: auth.hostedUiDomain });
    new CfnOutput(this, 'MemoryTableName', { value: table.table.tableName });
    new CfnOutput(this, 'GuardrailId', { value: guardrail.guardrail.attrGuardrailId });
    new CfnOutput(this, 'GuardrailVersion', { value: guardrail.version.attrVersion });
    new CfnOutput(this, 'AlarmTopicArn', { value: observability.topic.topicArn });
  }
}

/**
 * One deployment of the backend, in the shape chosen at deploy time: shared sign-in (groups,
 * company sign-in), guardrail, the host's least-privilege role, a separate tools role the host
 * assumes per user, observability, and either an AgentCore Runtime with AgentCore Memory (plus the
 * session index table) or a streaming Lambda with the DynamoDB conversation table.
 */
import { Aws, CfnOutput, Duration, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cw from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { hostStatements, toolStatements } from './agent-policy';
import { AgentCoreHost } from './agentcore-host';
import { Auth } from './auth';
import type { InfraConfig } from './config';
import { Guardrail } from './guardrail';
import { LambdaHost } from './lambda-host';
import { MemoryTable } from './memory-table';
import { modelSetup } from './model-provider';
import { Observability } from './observability';
import { DEPLOYMENT_OUTPUTS as OUT, MODE_OF_SHAPE } from './outputs';
import { ToolsRole } from './tools-role';

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
      groups: { users: config.usersGroup, approvers: config.approversGroup },
      companyProviders: {
        ...(config.oidcIssuer
          ? {
              oidc: {
                name: config.oidcName,
                issuer: config.oidcIssuer,
                clientId: config.oidcClientId!,
                clientSecretName: config.oidcClientSecretName!,
                ...(config.oidcGroupsClaim ? { groupsClaim: config.oidcGroupsClaim } : {}),
              },
            }
          : {}),
        ...(config.samlMetadataUrl
          ? {
              saml: {
                name: config.samlName!,
                metadataUrl: config.samlMetadataUrl,
                emailAttribute: config.samlEmailAttribute,
              },
            }
          : {}),
      },
      passwordSignIn: config.passwordSignIn,
    });
    const guardrail = new Guardrail(this, 'Guardrail', { name: `${this.stackName}-guardrail` });
    const table = new MemoryTable(this, 'Conversations');
    const model = modelSetup(this, config);
    // The tools role trusts the host's role, which exists only once the host does: resolved at synth.
    const later: { toolsRole?: ToolsRole } = {};

    // What both hosts read at start (backend/src/core/config.ts); AWS_REGION comes from the host.
    const environment: Record<string, string> = {
      AUTH_MODE: 'cognito',
      COGNITO_USER_POOL_ID: auth.userPool.userPoolId,
      COGNITO_CLIENT_ID: auth.client.userPoolClientId,
      ...model.environment,
      // Open access: every verified user; approving still takes the approvers' group.
      ...(config.openAccess ? {} : { ALLOWED_GROUPS: `${config.usersGroup},${config.approversGroup}` }),
      APPROVER_GROUPS: config.approversGroup,
      TOOLS_ROLE_ARN: Lazy.string({ produce: () => later.toolsRole?.role.roleArn }),
      GUARDRAIL_ID: guardrail.guardrail.attrGuardrailId,
      GUARDRAIL_VERSION: guardrail.version.attrVersion,
      MEMORY_TABLE: table.table.tableName,
      MEMORY_RETENTION_DAYS: String(config.retentionDays),
      TOOLS_MODE: config.toolsMode,
      // CloudWatch embedded-metric lines on stdout: the dashboard and alarms read them.
      METRICS: 'emf',
    };

    let principal: iam.IRole;
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
      principal = host.runtime.role;
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
    for (const statement of hostStatements({ model: model.bedrock, guardrailArn: guardrail.arn }))
      principal.addToPrincipalPolicy(statement);
    // GetSecretValue (and DescribeSecret) on the key's secret alone.
    model.secret?.grantRead(principal);
    // The approver's e-mail for the record (the access token's username is a generated id): this pool only.
    auth.userPool.grant(principal, 'cognito-idp:AdminGetUser');
    const toolsRole = new ToolsRole(this, 'Tools', {
      trustedBy: [principal],
      statements: toolStatements(this, { toolsMode: config.toolsMode }),
    });
    later.toolsRole = toolsRole;

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
    new CfnOutput(this, 'ToolsRoleArn', { value: toolsRole.role.roleArn });
    new CfnOutput(this, 'UsersGroupName', { value: config.usersGroup });
    new CfnOutput(this, 'ApproversGroupName', { value: config.approversGroup });
    // With two providers the hosted UI lets the user choose: no single one to go straight to.
    if (auth.providerNames.length === 1)
      new CfnOutput(this, OUT.identityProvider, { value: auth.providerNames[0]! });
  }
}

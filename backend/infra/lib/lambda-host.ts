/**
 * The `lambda` shape's host: the bundled Lambda handler (esbuild's `backend/dist/lambda/index.js`,
 * export `handler`) on Node.js 22, ARM64, behind a Function URL that streams the answer. The URL
 * is public (auth NONE) because the handler verifies the Cognito access token itself and refuses
 * to start with `AUTH_MODE=none`.
 */
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface LambdaHostProps {
  /** The folder holding the bundled handler (`index.js`). */
  codeDir: string;
  environment: Record<string, string>;
  timeout: Duration;
}

export class LambdaHost extends Construct {
  readonly fn: lambda.Function;
  readonly url: lambda.FunctionUrl;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: LambdaHostProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS });
    // Our own role, so no managed policy brings `logs:*` on every group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Cloud Engineer agent (Lambda)',
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'OwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`],
      }),
    );
    this.fn = new lambda.Function(this, 'Function', {
      description: 'Cloud Engineer agent: the invocation contract over a streaming Function URL',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      code: lambda.Code.fromAsset(props.codeDir),
      handler: 'index.handler',
      memorySize: 1024,
      timeout: props.timeout,
      role: this.role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      environment: props.environment,
    });
    this.url = this.fn.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.RESPONSE_STREAM,
    });
  }
}

/**
 * The CDK app, synthesized offline in both shapes: sign-in, guardrail, conversation storage, the
 * two hosts, observability and the outputs the extension reads. IAM lives in infra-iam.test.ts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { MEMORY_TABLE_SCHEMA } from '../../backend/src/core/memory/dynamodb/table';
import { METRIC, METRICS_NAMESPACE } from '../../backend/src/core/telemetry/metric-names';
import { DEPLOYMENT_OUTPUTS, SHAPES, type Shape } from '../../backend/infra/lib/outputs';
import { deploymentInputs } from '../../backend/infra/lib/paths';
import { resourcesOf, synth, type Synthesized } from './infra-synth';

const SYNTH_TIMEOUT_MS = 180_000;

function only(s: Synthesized, type: string) {
  const found = resourcesOf(s, type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0]!;
}

const env = (s: Synthesized, shape: Shape): Record<string, unknown> =>
  shape === 'lambda'
    ? only(s, 'AWS::Lambda::Function').Properties.Environment.Variables
    : only(s, 'AWS::BedrockAgentCore::Runtime').Properties.EnvironmentVariables;

for (const shape of SHAPES) {
  describe(`infrastructure (${shape} shape)`, function () {
    let s: Synthesized;
    before(function () {
      this.timeout(SYNTH_TIMEOUT_MS);
      s = synth(shape);
    });

    it('creates a user pool only administrators fill, with a strong password policy, optional TOTP and deletion protection', () => {
      const pool = only(s, 'AWS::Cognito::UserPool');
      assert.equal(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly, true);
      const policy = pool.Properties.Policies.PasswordPolicy;
      assert.ok(policy.MinimumLength >= 12, 'at least 12 characters');
      for (const cls of ['RequireLowercase', 'RequireUppercase', 'RequireNumbers', 'RequireSymbols'])
        assert.equal(policy[cls], true, cls);
      assert.equal(pool.Properties.MfaConfiguration, 'OPTIONAL');
      assert.deepEqual(pool.Properties.EnabledMfas, ['SOFTWARE_TOKEN_MFA']);
      assert.equal(pool.Properties.DeletionProtection, 'ACTIVE');
      assert.equal(pool.DeletionPolicy, 'Retain');
    });

    it('gives the extension a public client: password, SRP and refresh; code flow only; 1 h access, 30 d refresh', () => {
      const client = only(s, 'AWS::Cognito::UserPoolClient').Properties;
      assert.equal(client.GenerateSecret, false);
      assert.deepEqual([...client.ExplicitAuthFlows].sort(), [
        'ALLOW_REFRESH_TOKEN_AUTH',
        'ALLOW_USER_PASSWORD_AUTH',
        'ALLOW_USER_SRP_AUTH',
      ]);
      assert.deepEqual(client.AllowedOAuthFlows, ['code'], 'authorization code (with PKCE), never implicit');
      assert.equal(client.AllowedOAuthFlowsUserPoolClient, true);
      assert.deepEqual(client.TokenValidityUnits, {
        AccessToken: 'minutes',
        IdToken: 'minutes',
        RefreshToken: 'minutes',
      });
      assert.equal(client.AccessTokenValidity, 60);
      assert.equal(client.RefreshTokenValidity, 30 * 24 * 60);
      assert.equal(client.PreventUserExistenceErrors, 'ENABLED');
    });

    it("sends the hosted UI back to the editor's URI (the one extension/auth builds) and to loopback", () => {
      const client = only(s, 'AWS::Cognito::UserPoolClient').Properties;
      assert.ok(client.CallbackURLs.includes('vscode://cloud-engineer.cloud-engineer/auth'));
      assert.ok(client.CallbackURLs.includes('http://localhost/auth'));
      for (const url of client.CallbackURLs)
        assert.match(url, /^(https:|http:\/\/localhost[:/]|vscode(-insiders)?:\/\/)/);
      only(s, 'AWS::Cognito::UserPoolDomain');
    });

    it('publishes a guardrail version with every content filter, denied off-topic subjects and anonymizing PII', () => {
      const g = only(s, 'AWS::Bedrock::Guardrail').Properties;
      const filters = Object.fromEntries(g.ContentPolicyConfig.FiltersConfig.map((f: any) => [f.Type, f]));
      assert.deepEqual(Object.keys(filters).sort(), [
        'HATE',
        'INSULTS',
        'MISCONDUCT',
        'PROMPT_ATTACK',
        'SEXUAL',
        'VIOLENCE',
      ]);
      for (const f of Object.values<any>(filters))
        assert.notEqual(f.InputStrength, 'NONE', `${f.Type} on input`);
      assert.equal(filters.PROMPT_ATTACK.InputStrength, 'HIGH');
      const topics = g.TopicPolicyConfig.TopicsConfig;
      assert.ok(topics.length >= 3);
      for (const t of topics) {
        assert.equal(t.Type, 'DENY');
        assert.ok(t.Definition.length <= 200, `${t.Name}: definition within the service's limit`);
        assert.doesNotMatch(
          t.Definition + t.Name,
          /\b(cloud|aws|infrastructure)\b(?! (costs|billing|compliance|service terms))/i,
        );
      }
      const pii = Object.fromEntries(
        g.SensitiveInformationPolicyConfig.PiiEntitiesConfig.map((p: any) => [p.Type, p.Action]),
      );
      for (const type of ['EMAIL', 'PHONE', 'NAME', 'CREDIT_DEBIT_CARD_NUMBER'])
        assert.equal(pii[type], 'ANONYMIZE', type);
      // Kept for engineers: account ids, ARNs and IP addresses are never detected or rewritten.
      assert.equal(pii.IP_ADDRESS, undefined);
      for (const r of g.SensitiveInformationPolicyConfig.RegexesConfig ?? [])
        for (const keep of ['123456789012', 'arn:aws:iam::123456789012:role/x', '10.0.0.1'])
          assert.doesNotMatch(keep, new RegExp(r.Pattern), `regex ${r.Name} would rewrite ${keep}`);
      const version = only(s, 'AWS::Bedrock::GuardrailVersion').Properties;
      const guardrailId = resourcesOf(s, 'AWS::Bedrock::Guardrail')[0]!.id;
      assert.deepEqual(version.GuardrailIdentifier, { 'Fn::GetAtt': [guardrailId, 'GuardrailId'] });
      assert.deepEqual(env(s, shape).GUARDRAIL_ID, { 'Fn::GetAtt': [guardrailId, 'GuardrailId'] });
      assert.deepEqual(env(s, shape).GUARDRAIL_VERSION, {
        'Fn::GetAtt': [resourcesOf(s, 'AWS::Bedrock::GuardrailVersion')[0]!.id, 'Version'],
      });
    });

    it("keeps conversations (or the session index) in one table with the stores' key schema, PITR, SSE, TTL", () => {
      const table = only(s, 'AWS::DynamoDB::GlobalTable');
      const p = table.Properties;
      assert.deepEqual(p.KeySchema, [
        { AttributeName: MEMORY_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: MEMORY_TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ]);
      const gsi = p.GlobalSecondaryIndexes.find(
        (i: any) => i.IndexName === MEMORY_TABLE_SCHEMA.sessionsIndex.name,
      );
      assert.deepEqual(gsi.KeySchema, [
        { AttributeName: MEMORY_TABLE_SCHEMA.sessionsIndex.partitionKey, KeyType: 'HASH' },
        { AttributeName: MEMORY_TABLE_SCHEMA.sessionsIndex.sortKey, KeyType: 'RANGE' },
      ]);
      assert.deepEqual(p.TimeToLiveSpecification, {
        AttributeName: MEMORY_TABLE_SCHEMA.ttlAttribute,
        Enabled: true,
      });
      assert.equal(p.SSESpecification.SSEEnabled, true);
      assert.equal(p.BillingMode, 'PAY_PER_REQUEST');
      assert.equal(p.Replicas.length, 1);
      assert.equal(p.Replicas[0].PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled, true);
      assert.equal(p.Replicas[0].DeletionProtectionEnabled, true);
      assert.equal(table.DeletionPolicy, 'Retain');
      assert.deepEqual(env(s, shape).MEMORY_TABLE, { Ref: table.id });
    });

    it('configures the backend for Cognito, the chosen model and its memory store', () => {
      const e = env(s, shape);
      assert.equal(e.AUTH_MODE, 'cognito');
      assert.deepEqual(e.COGNITO_USER_POOL_ID, { Ref: resourcesOf(s, 'AWS::Cognito::UserPool')[0]!.id });
      assert.deepEqual(e.COGNITO_CLIENT_ID, { Ref: resourcesOf(s, 'AWS::Cognito::UserPoolClient')[0]!.id });
      assert.equal(e.MODEL_ID, 'us.anthropic.claude-sonnet-4-5-20250929-v1:0');
      assert.equal(e.MEMORY_STORE, shape === 'lambda' ? 'dynamodb' : 'agentcore');
      assert.equal(e.MEMORY_RETENTION_DAYS, '365');
    });

    it('graphs every backend metric and alarms on error rate, p95 time to first token and guardrail spikes', () => {
      const body = JSON.stringify(only(s, 'AWS::CloudWatch::Dashboard').Properties.DashboardBody);
      for (const name of Object.values(METRIC)) assert.ok(body.includes(name), `dashboard shows ${name}`);
      assert.ok(body.includes(METRICS_NAMESPACE));
      const alarms = resourcesOf(s, 'AWS::CloudWatch::Alarm').map((a) => a.Properties);
      assert.equal(alarms.length, 3);
      const uses = (a: any, metric: string) =>
        a.Metrics.some(
          (m: any) =>
            m.MetricStat?.Metric.MetricName === metric && m.MetricStat.Metric.Namespace === METRICS_NAMESPACE,
        );
      const errorRate = alarms.find((a) => uses(a, METRIC.errors))!;
      assert.ok(uses(errorRate, METRIC.turns));
      assert.equal(errorRate.Threshold, 5);
      assert.equal(errorRate.ComparisonOperator, 'GreaterThanThreshold');
      assert.match(
        errorRate.Metrics.find((m: any) => m.ReturnData !== false).Expression,
        /100 \* .*errors.* \/ turns/,
      );
      const ttft = alarms.find((a) => uses(a, METRIC.timeToFirstToken))!;
      assert.equal(ttft.Metrics[0].MetricStat.Stat, 'p95');
      const spike = alarms.find((a) => uses(a, METRIC.guardrailInterventions))!;
      assert.equal(spike.ComparisonOperator, 'GreaterThanUpperThreshold');
      assert.match(
        spike.Metrics.find((m: any) => m.Id === spike.ThresholdMetricId).Expression,
        /^ANOMALY_DETECTION_BAND\(/,
      );
      for (const a of alarms) assert.equal(a.AlarmActions.length, 1, 'every alarm notifies the topic');
    });

    it('outputs what "Connect to Deployment…" needs', () => {
      const outputs = s.json.Outputs;
      const common = [
        DEPLOYMENT_OUTPUTS.mode,
        DEPLOYMENT_OUTPUTS.region,
        DEPLOYMENT_OUTPUTS.userPoolId,
        DEPLOYMENT_OUTPUTS.clientId,
        DEPLOYMENT_OUTPUTS.domain,
      ];
      for (const key of common) assert.ok(outputs[key], `output ${key}`);
      assert.equal(outputs[DEPLOYMENT_OUTPUTS.mode].Value, shape === 'lambda' ? 'http' : 'agentcore');
      assert.deepEqual(outputs[DEPLOYMENT_OUTPUTS.region].Value, { Ref: 'AWS::Region' });
      assert.match(
        JSON.stringify(outputs[DEPLOYMENT_OUTPUTS.domain].Value),
        /\.auth\.".*\.amazoncognito\.com/,
      );
      assert.ok(outputs[shape === 'lambda' ? DEPLOYMENT_OUTPUTS.url : DEPLOYMENT_OUTPUTS.runtimeArn]);
      assert.equal(
        outputs[shape === 'lambda' ? DEPLOYMENT_OUTPUTS.runtimeArn : DEPLOYMENT_OUTPUTS.url],
        undefined,
      );
    });
  });
}

describe('infrastructure: the lambda host', function () {
  let s: Synthesized;
  before(function () {
    this.timeout(SYNTH_TIMEOUT_MS);
    s = synth('lambda');
  });

  it('runs the bundled handler on Node.js 22, ARM64, behind a streaming Function URL the handler itself guards', () => {
    s.template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
    });
    s.template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' });
    assert.equal(resourcesOf(s, 'AWS::BedrockAgentCore::Runtime').length, 0);
    assert.equal(resourcesOf(s, 'AWS::BedrockAgentCore::Memory').length, 0);
  });

  it("deploys the folder esbuild writes the Lambda bundle to, and the handler's export", () => {
    // The asset path and `index.handler` must follow esbuild.mjs's lambda target and handler.ts.
    assert.equal(deploymentInputs().lambdaCodeDir, resolve('backend/dist/lambda'));
    const build = readFileSync('esbuild.mjs', 'utf8');
    assert.match(build, /entryPoints: \{ index: 'backend\/src\/lambda\/handler\.ts' \}/);
    assert.match(build, /outdir: 'backend\/dist\/lambda'/);
    assert.match(readFileSync('backend/src/lambda/handler.ts', 'utf8'), /^export const handler\b/m);
  });

  it('gives the function its own role with no managed policies', () => {
    const fn = only(s, 'AWS::Lambda::Function');
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    assert.equal(s.json.Resources[roleId]!.Properties.ManagedPolicyArns, undefined);
  });
});

describe('infrastructure: the agentcore host', function () {
  let s: Synthesized;
  before(function () {
    this.timeout(SYNTH_TIMEOUT_MS);
    s = synth('agentcore');
  });

  it('builds backend/Dockerfile for ARM64 and runs it behind a Cognito authorizer that checks client_id', () => {
    const manifest = JSON.parse(
      readFileSync(join(s.assembly.directory, 'CloudEngineerAgentCore.assets.json'), 'utf8'),
    );
    const images = Object.values<any>(manifest.dockerImages).map((i) => i.source);
    assert.deepEqual(images, [
      { directory: resolve('backend'), dockerFile: 'Dockerfile', platform: 'linux/arm64' },
    ]);
    const runtime = only(s, 'AWS::BedrockAgentCore::Runtime').Properties;
    const jwt = runtime.AuthorizerConfiguration.CustomJWTAuthorizer;
    assert.deepEqual(jwt.AllowedClients, [{ Ref: resourcesOf(s, 'AWS::Cognito::UserPoolClient')[0]!.id }]);
    assert.equal(jwt.AllowedAudience, undefined, 'access tokens carry client_id, not aud');
    assert.match(JSON.stringify(jwt.DiscoveryUrl), /cognito-idp\..*\/\.well-known\/openid-configuration/);
    assert.deepEqual(runtime.RequestHeaderConfiguration.RequestHeaderAllowlist, ['Authorization']);
    assert.ok(runtime.AgentRuntimeArtifact.ContainerConfiguration);
  });

  it('keeps conversations in AgentCore Memory with summary and semantic strategies and an event expiry', () => {
    const memory = only(s, 'AWS::BedrockAgentCore::Memory');
    assert.equal(memory.Properties.EventExpiryDuration, 365);
    assert.equal(memory.DeletionPolicy, 'Retain');
    const kinds = memory.Properties.MemoryStrategies.map((m: any) => Object.keys(m)[0]).sort();
    assert.deepEqual(kinds, ['SemanticMemoryStrategy', 'SummaryMemoryStrategy']);
    // Recall searches `/actors/{actorId}/`: every long-term record must land under its actor.
    const namespaces = memory.Properties.MemoryStrategies.flatMap(
      (m: any) => Object.values<any>(m)[0].Namespaces,
    );
    assert.ok(namespaces.length >= 2);
    for (const ns of namespaces) assert.match(ns, /^\/actors\/\{actorId\}\//);
    const e = only(s, 'AWS::BedrockAgentCore::Runtime').Properties.EnvironmentVariables;
    assert.deepEqual(e.MEMORY_ID, { 'Fn::GetAtt': [memory.id, 'MemoryId'] });
    assert.deepEqual(e.AWS_REGION, { Ref: 'AWS::Region' });
    s.template.resourceCountIs('AWS::Lambda::Function', 0);
    s.template.hasResourceProperties('AWS::BedrockAgentCore::Runtime', {
      ProtocolConfiguration: Match.exact('HTTP'),
    });
  });

  it('expires events after the chosen retention', function () {
    this.timeout(SYNTH_TIMEOUT_MS);
    const short = synth('agentcore', { retentionDays: '30' });
    assert.equal(only(short, 'AWS::BedrockAgentCore::Memory').Properties.EventExpiryDuration, 30);
    assert.equal(
      only(short, 'AWS::BedrockAgentCore::Runtime').Properties.EnvironmentVariables.MEMORY_RETENTION_DAYS,
      '30',
    );
  });
});

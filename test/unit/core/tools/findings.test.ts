import assert from 'node:assert/strict';
import { ConfigServiceClient, DescribeComplianceByConfigRuleCommand } from '@aws-sdk/client-config-service';
import { ECSClient, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import {
  GetFindingsCommand as GdGetFindings,
  GuardDutyClient,
  ListDetectorsCommand,
  ListFindingsCommand,
} from '@aws-sdk/client-guardduty';
import { DescribeEventsCommand, HealthClient } from '@aws-sdk/client-health';
import { GetFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { awsRead } from '../../../../backend/src/core/tools/aws-read/tool';
import { guarddutyFindings } from '../../../../backend/src/core/tools/findings/guardduty';
import { securityHubFindings } from '../../../../backend/src/core/tools/findings/security-hub';
import type { ToolContext } from '../../../../backend/src/core/tools/types';

const context: ToolContext = { actorId: 'a', region: 'eu-west-1', signal: new AbortController().signal };
const awsError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('security_hub_findings', () => {
  const hub = mockClient(SecurityHubClient);
  afterEach(() => hub.reset());

  it('filters by severity floor and status, pages up to the cap and counts by severity', async () => {
    const finding = (i: number, label: string) => ({
      Title: `finding ${i}`,
      Severity: { Label: label },
      Resources: [{ Type: 'AwsS3Bucket', Id: `arn:aws:s3:::bucket-${i}` }],
      Workflow: { Status: 'NEW' },
      Compliance: { SecurityControlId: 'S3.8' },
    });
    hub
      .on(GetFindingsCommand)
      .resolvesOnce({ Findings: [finding(1, 'CRITICAL'), finding(2, 'HIGH')] as never, NextToken: 'p2' })
      .resolvesOnce({ Findings: [finding(3, 'HIGH')] as never, NextToken: 'p3' });
    const out = (await securityHubFindings.run({ minSeverity: 'HIGH', maxResults: 3 }, context)) as any;
    const filters = hub.commandCalls(GetFindingsCommand)[0]!.args[0].input.Filters!;
    assert.deepEqual(
      filters.SeverityLabel!.map((f) => f.Value),
      ['CRITICAL', 'HIGH'],
    );
    assert.deepEqual(filters.RecordState, [{ Value: 'ACTIVE', Comparison: 'EQUALS' }]);
    assert.equal(hub.commandCalls(GetFindingsCommand).length, 2, 'stops at the cap');
    assert.deepEqual(out.countBySeverity, { CRITICAL: 1, HIGH: 2 });
    assert.equal(out.findings[0].resource.id, 'arn:aws:s3:::bucket-1');
    assert.match(out.note, /more findings match/);
  });

  it('answers a plain sentence when Security Hub is not enabled', async () => {
    hub
      .on(GetFindingsCommand)
      .rejects(awsError('InvalidAccessException', 'Account 123 is not subscribed to AWS Security Hub'));
    await assert.rejects(
      securityHubFindings.run({}, context),
      (e: Error) =>
        e.name === 'ToolError' &&
        e.message ===
          'Security Hub is not enabled in this account and region (eu-west-1). Enable it to use this check.',
    );
  });
});

describe('guardduty_findings', () => {
  const gd = mockClient(GuardDutyClient);
  afterEach(() => gd.reset());

  it('says GuardDuty is off when the region has no detector', async () => {
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: [] });
    await assert.rejects(guarddutyFindings.run({}, context), /GuardDuty is not enabled in eu-west-1/);
    assert.equal(gd.commandCalls(ListFindingsCommand).length, 0);
  });

  it('lists, fetches and sorts the most severe findings', async () => {
    gd.on(ListDetectorsCommand).resolves({ DetectorIds: ['d1'] });
    gd.on(ListFindingsCommand).resolves({ FindingIds: ['f1', 'f2'] });
    gd.on(GdGetFindings).resolves({
      Findings: [
        { Type: 'Recon:EC2/PortProbeUnprotectedPort', Severity: 5, Title: 'probe' },
        { Type: 'CryptoCurrency:EC2/BitcoinTool.B!DNS', Severity: 8, Title: 'miner' },
      ] as never,
    });
    const out = (await guarddutyFindings.run({ minSeverity: 4 }, context)) as any;
    const criterion = gd.commandCalls(ListFindingsCommand)[0]!.args[0].input.FindingCriteria!.Criterion!;
    assert.equal(criterion.severity!.GreaterThanOrEqual, 4);
    assert.deepEqual(
      out.findings.map((f: { title: string }) => f.title),
      ['miner', 'probe'],
    );
  });
});

describe('aws_read: findings, health and hidden command lines', () => {
  const config = mockClient(ConfigServiceClient);
  const health = mockClient(HealthClient);
  const ecs = mockClient(ECSClient);
  afterEach(() => (config.reset(), health.reset(), ecs.reset()));

  it('reads AWS Config compliance through the allowlist', async () => {
    config.on(DescribeComplianceByConfigRuleCommand).resolves({
      ComplianceByConfigRules: [
        { ConfigRuleName: 'encrypted-volumes', Compliance: { ComplianceType: 'NON_COMPLIANT' } },
      ],
    });
    const out = (await awsRead.run(
      { service: 'config', operation: 'DescribeComplianceByConfigRule', params: {} },
      context,
    )) as any;
    assert.equal(out.result.ComplianceByConfigRules[0].ConfigRuleName, 'encrypted-volumes');
  });

  it('turns a missing support plan into a sentence, and calls Health in us-east-1', async () => {
    health.on(DescribeEventsCommand).rejects(awsError('SubscriptionRequiredException', 'raw SDK text'));
    await assert.rejects(
      awsRead.run({ service: 'health', operation: 'DescribeEvents', params: {} }, context),
      (e: Error) =>
        /needs a Business, Enterprise On-Ramp or Enterprise support plan \(us-east-1\)/.test(e.message) &&
        !/raw SDK text/.test(e.message),
    );
  });

  it('hides ECS container command lines as it hides their environment', async () => {
    ecs.on(DescribeTaskDefinitionCommand).resolves({
      taskDefinition: {
        containerDefinitions: [
          {
            name: 'app',
            command: ['--db-password', 'hunter2-not-shown'],
            environment: [{ name: 'TOKEN', value: 'also-hidden' }],
          },
        ],
      },
    });
    const out = (await awsRead.run(
      { service: 'ecs', operation: 'DescribeTaskDefinition', params: { taskDefinition: 'app:1' } },
      context,
    )) as any;
    const container = out.result.taskDefinition.containerDefinitions[0];
    assert.equal(container.name, 'app');
    assert.deepEqual(container.command, [
      '[hidden: command arguments are not shown]',
      '[hidden: command arguments are not shown]',
    ]);
    assert.doesNotMatch(JSON.stringify(out), /hunter2|also-hidden/);
  });
});

/**
 * Each tool's IAM declaration (`Tool.iam`) against the AWS calls it makes. Every tool runs (its
 * approval look-up too) with each SDK client's `send` recording the command and answering from a
 * script; the calls, as IAM actions, must equal what the tool declares: nothing called undeclared,
 * nothing declared unused. A scan of the tools' sources proves the scripts reached every command
 * the code names, so a new call cannot hide on an unexercised path.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVICES } from '../../../../backend/src/core/tools/aws-read/allowlist';
import { iamActionsFor } from '../../../../backend/src/core/tools/iam-actions';
import type { MemoryStore } from '../../../../backend/src/core/memory/types';
import { recallPastConversations } from '../../../../backend/src/core/tools/recall/tool';
import { ALL_TOOLS } from '../../../../backend/src/core/tools/registry';
import type { Tool, ToolContext } from '../../../../backend/src/core/tools/types';

const ROOT = 'backend/src/core/tools';

/** The SDK's `serviceId` → IAM prefix where it is not the id in lower case without spaces. */
const IAM_PREFIX: Record<string, string> = {
  'Elastic Load Balancing v2': 'elasticloadbalancing',
  'Cost Explorer': 'ce',
  'CloudWatch Logs': 'logs',
  'Config Service': 'config',
  AccessAnalyzer: 'access-analyzer',
  'Compute Optimizer': 'compute-optimizer',
};
const prefixOf = (serviceId: string) => IAM_PREFIX[serviceId] ?? serviceId.toLowerCase().replace(/ /g, '');

/** Actions AWS checks besides the call's own: tags on a new change set are tags on the stack. */
const IMPLIED: Record<string, (input: any) => string[]> = {
  'cloudformation:CreateChangeSet': (input) => (input.Tags?.length ? ['cloudformation:TagResource'] : []),
};

/** What a read looks like by name: granted on every resource, so never a change. */
const READ =
  /^[a-z0-9-]+:(Describe|Get|List|Lookup|Validate|View|Generate|StartQuery$|StopQuery$)[A-Za-z0-9]*$/;

interface Call {
  tool: string;
  operation: string;
  actions: string[];
}

/** Answers by IAM action; anything else answers `{}`. Enough for every tool to reach every call. */
const ANSWERS: Record<string, (input: any) => unknown> = {
  'cloudformation:DescribeStacks': () => ({
    Stacks: [{ StackName: 'app', StackStatus: 'CREATE_COMPLETE', Tags: [{ Key: 'team', Value: 'web' }] }],
  }),
  'cloudformation:DetectStackDrift': () => ({ StackDriftDetectionId: 'd-1' }),
  'cloudformation:DescribeStackDriftDetectionStatus': () => ({
    DetectionStatus: 'DETECTION_COMPLETE',
    StackDriftStatus: 'IN_SYNC',
  }),
  'cloudformation:DescribeChangeSet': () => ({ Status: 'CREATE_COMPLETE', Changes: [] }),
  'cloudformation:GetTemplate': () => ({ TemplateBody: '{}' }),
  'elasticloadbalancing:DescribeLoadBalancers': () => ({
    LoadBalancers: [{ LoadBalancerArn: 'arn:lb', LoadBalancerName: 'web', VpcId: 'vpc-1' }],
  }),
  'elasticloadbalancing:DescribeTargetGroups': () => ({ TargetGroups: [{ TargetGroupArn: 'arn:tg' }] }),
  'guardduty:ListDetectors': () => ({ DetectorIds: ['det-1'] }),
  'guardduty:ListFindings': () => ({ FindingIds: ['f-1'] }),
  'logs:StartQuery': () => ({ queryId: 'q-1' }),
  'logs:GetQueryResults': () => ({ status: 'Complete', results: [] }),
};

interface Scenario {
  tool: Tool<any>;
  input: unknown;
  /** Per-scenario answers over ANSWERS. */
  answers?: Record<string, (input: any) => unknown>;
  /** The run is expected to fail (a path that only failure takes). */
  fails?: boolean;
  approved?: boolean;
}

const tool = (name: string) => ALL_TOOLS.find((t) => t.name === name)!;

const SCENARIOS: Scenario[] = [
  { tool: tool('get_caller_identity'), input: {} },
  { tool: tool('cloudformation_describe'), input: {} },
  {
    tool: tool('cloudformation_describe'),
    input: { stackName: 'app', include: ['resources', 'events', 'drift'] },
  },
  { tool: tool('cloudformation_get_template'), input: { stackName: 'app' } },
  { tool: tool('cloudformation_validate_template'), input: { templateBody: '{}' } },
  {
    tool: tool('cloudformation_plan_change'),
    input: { stackName: 'app', templateBody: '{}' },
    approved: true,
  },
  {
    tool: tool('cloudformation_execute_change_set'),
    input: { stackName: 'app', changeSetName: 'cs-1' },
    approved: true,
  },
  { tool: tool('cloudformation_delete_stack'), input: { stackName: 'app' }, approved: true },
  { tool: tool('cost_and_usage'), input: {} },
  { tool: tool('cost_forecast'), input: {} },
  { tool: tool('cost_anomalies'), input: {} },
  { tool: tool('diagram_from_inventory'), input: {} },
  {
    tool: tool('logs_insights_query'),
    input: { logGroupNames: ['/aws/lambda/web'], query: 'fields @message' },
  },
  {
    // A query that fails mid-way is stopped, so it does not keep costing.
    tool: tool('logs_insights_query'),
    input: { logGroupNames: ['/aws/lambda/web'], query: 'fields @message' },
    answers: {
      'logs:GetQueryResults': () => {
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
    },
    fails: true,
  },
  { tool: tool('metric_chart'), input: { namespace: 'AWS/Lambda', metricName: 'Errors' } },
  { tool: tool('security_hub_findings'), input: {} },
  { tool: tool('guardduty_findings'), input: {} },
  // aws_read: every allowlisted operation once.
  ...Object.entries(SERVICES).flatMap(([service, entry]) =>
    entry.operations.map((operation) => ({ tool: tool('aws_read'), input: { service, operation } })),
  ),
];

/** Every `.ts` file under the tools folder, with its text. */
function toolSources(): { file: string; text: string }[] {
  return readdirSync(ROOT, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

/** The SDK client packages the tools load (`aws_read`'s imports are literal too). */
const clientPackages = () => [
  ...new Set(
    toolSources().flatMap(({ text }) => [...text.matchAll(/@aws-sdk\/client-[a-z0-9-]+/g)].map((m) => m[0])),
  ),
];

describe('tools declare the IAM actions their AWS calls need', function () {
  this.timeout(60_000);
  const calls: Call[] = [];
  let current: Scenario | undefined;
  const restore: (() => void)[] = [];

  before(async () => {
    // Each client class's own `send` (other suites' aws-sdk-client-mock stubs live there), put back after.
    for (const name of clientPackages()) {
      const sdk: Record<string, any> = await import(name);
      for (const [key, Client] of Object.entries(sdk)) {
        if (!key.endsWith('Client') || typeof Client?.prototype?.send !== 'function') continue;
        const proto = Client.prototype;
        const own = Object.getOwnPropertyDescriptor(proto, 'send');
        restore.push(() => (own ? Object.defineProperty(proto, 'send', own) : delete proto.send));
        proto.send = async function (this: { config: { serviceId: string } }, command: any) {
          const operation = String(command.constructor.name).replace(/Command$/, '');
          const actions = iamActionsFor(prefixOf(this.config.serviceId), operation);
          const action = actions[0]!;
          const input = command.input ?? {};
          calls.push({
            tool: current!.tool.name,
            operation,
            actions: [...actions, ...(IMPLIED[action]?.(input) ?? [])],
          });
          const answer = current!.answers?.[action] ?? ANSWERS[action];
          return answer ? answer(input) : {};
        };
      }
    }
    for (const scenario of SCENARIOS) {
      current = scenario;
      const context: ToolContext = {
        actorId: 'alice',
        region: 'us-east-1',
        signal: new AbortController().signal,
        credentials: async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }),
        ...(scenario.approved
          ? { approver: { sub: 'b-1', name: 'bob@example.com', at: '2026-12-07T10:00:00Z' } }
          : {}),
      };
      const input = scenario.tool.inputSchema.parse(scenario.input);
      const run = async () => {
        // As the agent does: the approval card's look-up first, then the approved call.
        if (scenario.tool.describeApproval) await scenario.tool.describeApproval(input, context);
        await scenario.tool.run(input, context);
      };
      if (scenario.fails) await assert.rejects(run(), `${scenario.tool.name} was expected to fail`);
      else await run();
    }
    current = undefined;
  });

  after(() => restore.forEach((put) => put()));

  for (const t of ALL_TOOLS)
    it(`${t.name}: calls exactly what it declares`, () => {
      const called = [...new Set(calls.filter((c) => c.tool === t.name).flatMap((c) => c.actions))].sort();
      const declared = [...new Set([...(t.iam?.actions ?? []), ...(t.iam?.stackChanges ?? [])])].sort();
      assert.ok(called.length > 0, `no scenario made ${t.name} call AWS`);
      assert.deepEqual(called, declared);
    });

  it('declares as reads (granted on every resource) only what reads by its name', () => {
    const notReads = ALL_TOOLS.flatMap((t) => (t.iam?.actions ?? []).filter((a) => !READ.test(a)));
    assert.deepEqual(notReads, []);
  });

  it('reached every SDK command the tools name in their code', () => {
    const reached = new Set(calls.map((c) => c.operation));
    const named = toolSources()
      // The host's own hop into the tools role is not a tool's call.
      .filter(({ file }) => file !== 'assumed-role.ts')
      .flatMap(({ file, text }) =>
        [...text.matchAll(/\b([A-Z][A-Za-z0-9]+)Command\b/g)].map((m) => `${file}: ${m[1]}`),
      );
    assert.ok(named.length >= 30, `the scan found the commands (${named.length})`);
    assert.deepEqual(
      named.filter((n) => !reached.has(n.split(': ')[1]!)),
      [],
    );
  });

  it('recorded what an undeclared call would look like (the check can fail)', () => {
    const drift = calls.find(
      (c) => c.tool === 'cloudformation_describe' && c.operation === 'DetectStackDrift',
    );
    assert.deepEqual(drift?.actions, ['cloudformation:DetectStackDrift']);
    const plan = calls.find(
      (c) => c.tool === 'cloudformation_plan_change' && c.operation === 'CreateChangeSet',
    );
    assert.deepEqual(plan?.actions, ['cloudformation:CreateChangeSet', 'cloudformation:TagResource']);
    const s3 = calls.find((c) => c.tool === 'aws_read' && c.operation === 'ListBuckets');
    assert.deepEqual(s3?.actions, ['s3:ListAllMyBuckets']);
    const ce = calls.find((c) => c.tool === 'cost_anomalies');
    assert.deepEqual(ce?.actions, ['ce:GetAnomalies']);
  });

  it('a tool that calls no AWS API declares nothing (recall)', () => {
    assert.equal(recallPastConversations({} as MemoryStore).iam, undefined);
    const aws = toolSources().filter(({ text }) => /@aws-sdk\/client-|Command\b/.test(text));
    assert.deepEqual(
      aws.filter(({ file }) => file.startsWith('recall/')),
      [],
    );
  });
});

describe('the tool definitions load without AWS SDK clients', () => {
  it('importing the registry (as the CDK app does) pulls in no SDK client and no smithy runtime', function () {
    this.timeout(30_000);
    const probe = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `require('./${ROOT}/registry');` +
          `console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules/.test(k))))`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(probe.status, 0, probe.stderr);
    const loaded: string[] = JSON.parse(probe.stdout.trim().split('\n').pop()!);
    assert.ok(
      loaded.some((m) => m.includes('/zod/')),
      'the probe sees what loads',
    );
    assert.deepEqual(
      loaded.filter((m) => /@aws-sdk|@smithy/.test(m)),
      [],
    );
  });
});

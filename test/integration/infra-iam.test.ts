/**
 * Least privilege, read from the synthesized templates of both shapes: the agent's role may invoke
 * only the chosen model, apply only our guardrail, touch only its own table or memory, read what
 * its tools read, and write nothing outside CloudFormation, the model, memory and telemetry.
 * The deploy-time settings are in infra-settings.test.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as z from 'zod';
import { SERVICES } from '../../backend/src/core/tools/aws-read/allowlist';
import { iamActionsFor } from '../../backend/src/core/tools/iam-actions';
import { ALL_TOOLS } from '../../backend/src/core/tools/registry';
import { defineTool, type ToolIam } from '../../backend/src/core/tools/types';
import { hostStatements, toolStatements } from '../../backend/infra/lib/agent-policy';
import { modelArns, UnknownInferenceProfileError } from '../../backend/infra/lib/model-arns';
import { SHAPES } from '../../backend/infra/lib/outputs';
import { toolActions } from '../../backend/infra/lib/tool-actions';
import {
  actionsOf,
  identityStatements,
  resourcesOf,
  resourcesOfStatement,
  roleStatements,
  synth,
  toolsRoleId,
  type Statement,
  type Synthesized,
} from './infra-synth';

/** Read-only verbs; anything else must be on the allowed-write list below. */
const READ_VERB =
  /^(Describe|Get|List|Lookup|Search|BatchGet|Retrieve|Query|Select|Filter|View|Generate(CredentialReport)?$|StartQuery$|StopQuery$|ValidateTemplate$|BatchCheckLayerAvailability$|AdminGetUser$)/;
/** The only writes the agent may make: the change path, the model, memory and telemetry. */
const ALLOWED_WRITES = new Set([
  'cloudformation:CreateChangeSet',
  // The approver's tag on the change set and the stack (CreateChangeSet with Tags needs it).
  'cloudformation:TagResource',
  'cloudformation:ExecuteChangeSet',
  'cloudformation:DeleteStack',
  'cloudformation:DetectStackDrift',
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:ApplyGuardrail',
  'bedrock-agentcore:CreateEvent',
  'bedrock-agentcore:DeleteEvent',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'logs:CreateLogGroup',
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:PutSpans',
  'xray:PutSpansForIndexing',
  'cloudwatch:PutMetricData',
  // Only on the tools role (checked below): the per-user hop that names the person in CloudTrail.
  'sts:AssumeRole',
  'sts:SetSourceIdentity',
  'sts:TagSession',
]);
/** Model, memory and table data actions: always on named resources (tools' config reads are not these). */
const SCOPED =
  /^(bedrock:.*|bedrock-agentcore:.*|dynamodb:(Get|BatchGet|Query|Scan|Put|Update|Delete|BatchWrite|ConditionCheck|PartiQL).*)$/;
const TABLE_DATA =
  /^dynamodb:(GetItem|BatchGetItem|Query|Scan|PutItem|UpdateItem|DeleteItem|BatchWriteItem|ConditionCheckItem|PartiQL.*)$/;

/**
 * `XCommand`s the memory stores send, as IAM actions: DynamoDB (the document client's names map to
 * the item APIs; the agentcore store keeps its session index in the table too) and AgentCore Memory.
 */
function storeCalls() {
  const DOCUMENT: Record<string, string> = {
    Put: 'PutItem',
    Get: 'GetItem',
    Update: 'UpdateItem',
    Delete: 'DeleteItem',
    BatchWrite: 'BatchWriteItem',
    BatchGet: 'BatchGetItem',
  };
  const TABLE_LEVEL = new Set(['Query', 'Scan', 'DescribeTable', 'CreateTable', 'TransactWrite']);
  const names = [
    ...new Set(
      ['backend/src/core/memory/dynamodb', 'backend/src/core/memory/agentcore'].flatMap((dir) =>
        readdirSync(dir, { recursive: true, encoding: 'utf8' })
          .filter((f) => f.endsWith('.ts'))
          .flatMap((f) =>
            [...readFileSync(join(dir, f), 'utf8').matchAll(/\b([A-Z][A-Za-z]+)Command\b/g)].map(
              (m) => m[1]!,
            ),
          ),
      ),
    ),
  ].filter((n) => !n.startsWith('BedrockAgentCore') && !n.startsWith('DynamoDB'));
  const isTable = (n: string) => n in DOCUMENT || TABLE_LEVEL.has(n) || n.endsWith('Item');
  return {
    dynamodb: names
      .filter(isTable)
      .map((n) => `dynamodb:${DOCUMENT[n] ?? n}`)
      .sort(),
    memory: names
      .filter((n) => !isTable(n))
      .map((n) => `bedrock-agentcore:${n}`)
      .sort(),
  };
}

const allows = (s: Synthesized) =>
  identityStatements(s).filter(({ statement }) => statement.Effect === 'Allow');
const str = (v: unknown) => JSON.stringify(v);

for (const shape of SHAPES) {
  describe(`infrastructure IAM (${shape} shape)`, function () {
    let s: Synthesized;
    before(function () {
      this.timeout(180_000);
      s = synth(shape);
    });

    it('never grants a wildcard action, and no `*` resource on model, table or memory actions', () => {
      for (const { policy, statement } of allows(s)) {
        for (const action of actionsOf(statement)) {
          assert.doesNotMatch(action, /\*/, `${policy}: ${action}`);
          if (SCOPED.test(action))
            assert.ok(!resourcesOfStatement(statement).includes('*'), `${policy}: ${action} on *`);
        }
      }
    });

    it('writes nothing outside CloudFormation, the model, memory and telemetry', () => {
      const writes = allows(s)
        .flatMap(({ statement }) => actionsOf(statement))
        .filter((a) => !READ_VERB.test(a.split(':')[1]!) && !ALLOWED_WRITES.has(a));
      assert.deepEqual([...new Set(writes)], []);
      const toolsRole = {
        'Fn::GetAtt': [resourcesOf(s, 'AWS::IAM::Role').find((r) => r.id.startsWith('ToolsRole'))!.id, 'Arn'],
      };
      for (const { statement } of allows(s)) {
        if (actionsOf(statement).some((a) => a.startsWith('iam:')))
          assert.ok(
            actionsOf(statement).every((a) => READ_VERB.test(a.split(':')[1]!)),
            'no IAM writes',
          );
        if (actionsOf(statement).some((a) => /^sts:(AssumeRole|SetSourceIdentity|TagSession)/.test(a)))
          assert.deepEqual(statement.Resource, toolsRole, 'no role hopping beyond the tools role');
      }
      for (const role of resourcesOf(s, 'AWS::IAM::Role'))
        assert.equal(role.Properties.ManagedPolicyArns, undefined, `${role.id} has no AWS managed policies`);
    });

    it('invokes only the chosen inference profile and its foundation model, only through that profile', () => {
      const invoke = allows(s).filter(({ statement }) =>
        actionsOf(statement).includes('bedrock:InvokeModel'),
      );
      const text = str(invoke.map(({ statement }) => statement.Resource));
      assert.match(text, /inference-profile\/us\.anthropic\.claude-sonnet-4-5-20250929-v1:0/);
      for (const region of ['us-east-1', 'us-east-2', 'us-west-2'])
        assert.ok(
          text.includes(`:bedrock:${region}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0`),
          region,
        );
      const direct = invoke.find(({ statement }) =>
        str(statement.Resource).includes('foundation-model'),
      )!.statement;
      assert.match(str(direct.Condition), /bedrock:InferenceProfileArn.*inference-profile\/us\.anthropic/);
      const guard = allows(s).find(({ statement }) =>
        actionsOf(statement).includes('bedrock:ApplyGuardrail'),
      )!.statement;
      assert.deepEqual(guard.Resource, {
        'Fn::GetAtt': [resourcesOf(s, 'AWS::Bedrock::Guardrail')[0]!.id, 'GuardrailArn'],
      });
    });

    it('touches only its own table (and, on agentcore, its own memory)', () => {
      const tableId = resourcesOf(s, 'AWS::DynamoDB::GlobalTable')[0]!.id;
      for (const { statement } of allows(s)) {
        const actions = actionsOf(statement);
        if (actions.some((a) => TABLE_DATA.test(a))) {
          for (const r of resourcesOfStatement(statement)) assert.ok(str(r).includes(tableId), str(r));
          assert.ok(!actions.includes('dynamodb:Scan'), 'sessions are listed from the index, never scanned');
        }
        assert.ok(
          !actions.some((a) => /^dynamodb:(Create|Delete|Update)Table/.test(a)),
          'no table administration',
        );
        const memoryActions = actions.filter(
          (a) => /Event|MemoryRecord|Sessions/.test(a) && a.startsWith('bedrock-agentcore:'),
        );
        if (memoryActions.length) {
          assert.equal(shape, 'agentcore');
          const memoryId = resourcesOf(s, 'AWS::BedrockAgentCore::Memory')[0]!.id;
          assert.deepEqual(statement.Resource, { 'Fn::GetAtt': [memoryId, 'MemoryArn'] });
        }
      }
    });

    it('grants every DynamoDB and AgentCore Memory call the stores make (table creation is for emulators only)', () => {
      const granted = new Set(allows(s).flatMap(({ statement }) => actionsOf(statement)));
      const calls = storeCalls();
      assert.ok(calls.dynamodb.length >= 5 && calls.memory.length >= 3, 'the stores were found');
      assert.deepEqual(
        calls.dynamodb.filter((a) => a !== 'dynamodb:CreateTable' && !granted.has(a)),
        [],
      );
      assert.ok(!granted.has('dynamodb:CreateTable'));
      if (shape === 'agentcore')
        assert.deepEqual(
          calls.memory.filter((a) => !granted.has(a)),
          [],
        );
      else
        assert.ok(
          calls.memory.every((a) => !granted.has(a)),
          'no memory access on lambda',
        );
    });

    it('the tools role grants exactly what the tools declare: reads on every resource, stack changes on other stacks', () => {
      const { reads, stackChanges } = toolActions('approve-writes');
      const statements = roleStatements(s, toolsRoleId(s));
      const on = (effect: string, anywhere: boolean) =>
        [
          ...new Set(
            statements
              .filter((st) => st.Effect === effect && (st.Resource === '*') === anywhere)
              .flatMap(actionsOf),
          ),
        ].sort();
      assert.deepEqual(on('Allow', true), reads);
      assert.deepEqual(on('Allow', false), stackChanges);
      assert.deepEqual(on('Deny', false), stackChanges);
      assert.deepEqual(on('Deny', true), []);
      // What each tool declares, unioned: no grant comes from anywhere else.
      const declared = ALL_TOOLS.flatMap((t) => [...(t.iam?.actions ?? []), ...(t.iam?.stackChanges ?? [])]);
      assert.deepEqual([...new Set(declared)].sort(), [...reads, ...stackChanges].sort());
      assert.ok(
        stackChanges.includes('cloudformation:ExecuteChangeSet') && reads.includes('ce:GetCostAndUsage'),
      );
    });

    it("lets the tools read everything aws_read's allowlist calls", () => {
      const granted = new Set(allows(s).flatMap(({ statement }) => actionsOf(statement)));
      const missing = Object.entries(SERVICES).flatMap(([service, entry]) =>
        entry.operations.flatMap((op) => iamActionsFor(service, op)).filter((a) => !granted.has(a)),
      );
      assert.deepEqual(missing, []);
    });

    it('runs the approved change path on other stacks only, never on itself or the CDK bootstrap stack', () => {
      const change = allows(s).find(({ statement }) =>
        actionsOf(statement).includes('cloudformation:ExecuteChangeSet'),
      )!.statement;
      for (const r of resourcesOfStatement(change)) assert.match(str(r), /:cloudformation:/);
      const deny = identityStatements(s).find(({ statement }) => statement.Effect === 'Deny')!.statement;
      assert.ok(actionsOf(deny).includes('cloudformation:ExecuteChangeSet'));
      assert.ok(actionsOf(deny).includes('cloudformation:DeleteStack'));
      const denied = str(deny.Resource);
      assert.ok(denied.includes(`:stack/${s.stack.stackName}/*`) && denied.includes(':stack/CDKToolkit/*'));
    });

    it('may tag the stacks it changes (the approver’s tag) where it may change them, never untag', () => {
      const change = allows(s).find(({ statement }) =>
        actionsOf(statement).includes('cloudformation:CreateChangeSet'),
      )!.statement;
      assert.ok(
        actionsOf(change).includes('cloudformation:TagResource'),
        'TagResource beside CreateChangeSet',
      );
      for (const r of resourcesOfStatement(change)) assert.match(str(r), /:cloudformation:/);
      const deny = identityStatements(s).find(({ statement }) => statement.Effect === 'Deny')!.statement;
      assert.ok(actionsOf(deny).includes('cloudformation:TagResource'), 'not on its own stack or CDKToolkit');
      const granted = allows(s).flatMap(({ statement }) => actionsOf(statement));
      assert.ok(!granted.includes('cloudformation:UntagResource'));
    });
  });
}

describe('infrastructure IAM: building blocks', () => {
  it('read-only tools mode grants no CloudFormation writes', () => {
    const stack = new Stack(new App(), 'Probe');
    const statements = toolStatements(stack, { toolsMode: 'read-only' }).map(
      (st) => stack.resolve(st.toStatementJson()) as Statement,
    );
    const actions = statements.flatMap(actionsOf);
    assert.ok(!actions.some((a) => /^cloudformation:(Create|Execute|Delete|Detect)/.test(a)));
    assert.ok(actions.includes('cloudformation:DescribeStacks'));
  });

  it('read-only tools mode grants the read-only tools’ reads and no stack change, not even drift detection', () => {
    const { reads, stackChanges } = toolActions('read-only');
    assert.deepEqual(stackChanges, []);
    const readOnlyReads = ALL_TOOLS.filter((t) => t.readOnly).flatMap((t) => t.iam?.actions ?? []);
    assert.deepEqual(reads, [...new Set(readOnlyReads)].sort());
    const all = toolActions('approve-writes');
    assert.ok(all.stackChanges.includes('cloudformation:DetectStackDrift'));
    assert.ok(!reads.includes('cloudformation:DetectStackDrift'));
  });

  it('refuses declarations that would widen the policy: stack changes outside CloudFormation, a stack change also declared a read, wildcards', () => {
    const probe = (iam: ToolIam, readOnly = false) =>
      defineTool({
        name: 'probe',
        description: 'p',
        inputSchema: z.object({}),
        readOnly,
        iam,
        run: async () => ({}),
      });
    const derive = (...tools: ReturnType<typeof probe>[]) =>
      toolActions('approve-writes', [...ALL_TOOLS, ...tools]);
    assert.throws(
      () => derive(probe({ actions: [], stackChanges: ['ec2:TerminateInstances'] })),
      /not a CloudFormation action/,
    );
    assert.throws(
      () => derive(probe({ actions: ['cloudformation:DeleteStack'] })),
      /cloudformation:DeleteStack is declared both as a read and as a stack change/,
    );
    for (const bad of ['ec2:*', '*', 'ec2:Describe*', 's3:Get Object', 'ListBuckets'])
      assert.throws(() => derive(probe({ actions: [bad] }, true)), /not an IAM action/, bad);
    // A mutating tool's reads are offered only with the change path.
    const mutating = probe({ actions: ['ec2:DescribeHosts'] });
    assert.ok(toolActions('approve-writes', [mutating]).reads.includes('ec2:DescribeHosts'));
    assert.deepEqual(toolActions('read-only', [mutating]).reads, []);
  });

  it("the host's statements invoke a model only when given Bedrock's ARNs, and always apply the guardrail", () => {
    const guardrailArn = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc';
    const actions = (model?: ReturnType<typeof modelArns>) =>
      hostStatements({ ...(model ? { model } : {}), guardrailArn }).flatMap((st) =>
        actionsOf(st.toStatementJson() as Statement),
      );
    assert.ok(actions(modelArns('anthropic.claude-3-haiku-20240307-v1:0')).includes('bedrock:InvokeModel'));
    const none = actions();
    assert.ok(!none.some((a) => a.startsWith('bedrock:Invoke')), 'no Bedrock invoke without Bedrock');
    assert.ok(none.includes('bedrock:ApplyGuardrail'));
    assert.ok(!none.some((a) => a.startsWith('cloudformation:') || a.startsWith('ec2:')), 'no tool actions');
  });

  it('derives model ARNs for plain models, geographic and global profiles, and refuses unknown profiles', () => {
    const stack = new Stack(new App(), 'Probe', { env: { account: '123456789012', region: 'eu-west-1' } });
    const r = (v: unknown) => stack.resolve(v);
    assert.deepEqual(r(modelArns('anthropic.claude-3-haiku-20240307-v1:0')), {
      foundationModelArns: [
        {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':bedrock:',
              { Ref: 'AWS::Region' },
              '::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
            ],
          ],
        },
      ],
    });
    const eu = modelArns('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.ok(eu.profileArn);
    assert.ok(eu.foundationModelArns.length >= 3);
    assert.ok(
      eu.foundationModelArns.every(
        (a) =>
          a.includes('eu-') && a.endsWith('::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0'),
      ),
    );
    const global = modelArns('global.anthropic.claude-sonnet-4-5-20250929-v1:0');
    assert.ok(global.foundationModelArns.some((a) => a.includes(':bedrock:::foundation-model/')));
    assert.throws(() => modelArns('zz.anthropic.claude-x-v1:0'), UnknownInferenceProfileError);
    const pinned = modelArns('zz.anthropic.claude-x-v1:0', ['us-east-1']);
    assert.equal(pinned.foundationModelArns.length, 1);
  });

  it('maps API operations to the IAM actions AWS checks where the names differ', () => {
    assert.deepEqual(iamActionsFor('costexplorer', 'GetCostAndUsage'), ['ce:GetCostAndUsage']);
    assert.deepEqual(iamActionsFor('s3', 'ListBuckets'), ['s3:ListAllMyBuckets']);
    assert.deepEqual(iamActionsFor('s3', 'GetBucketEncryption'), ['s3:GetEncryptionConfiguration']);
    assert.deepEqual(iamActionsFor('elbv2', 'DescribeLoadBalancers'), [
      'elasticloadbalancing:DescribeLoadBalancers',
    ]);
    assert.deepEqual(iamActionsFor('budgets', 'DescribeBudgets'), ['budgets:ViewBudget']);
  });
});

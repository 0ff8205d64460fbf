/**
 * The tools role, from the synthesized templates of both shapes: it holds what the tools call, only
 * the host's own role may assume it (with a source identity, and only the user and approver tags),
 * and the host's role keeps what the host itself needs and none of the tools' permissions.
 */
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { SHAPES } from '../../backend/infra/lib/outputs';
import { toolActions } from '../../backend/infra/lib/tool-actions';
import { APPROVER_TAG, USER_TAG } from '../../backend/src/core/tools/assumed-role';
import {
  actionsOf,
  dependencyCycle,
  hostEnv,
  hostRoleId,
  resourcesOf,
  roleStatements,
  synth,
  toolsRoleId,
  type Statement,
  type Synthesized,
} from './infra-synth';

const TIMEOUT = 180_000;
const { reads, stackChanges: CHANGE_ACTIONS } = toolActions('approve-writes');
const TOOL_ACTIONS = new Set<string>([...reads, ...CHANGE_ACTIONS]);
const allowed = (statements: Statement[]) =>
  statements.filter((st) => st.Effect === 'Allow').flatMap(actionsOf);
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

for (const shape of SHAPES) {
  describe(`infrastructure: tools role (${shape} shape)`, function () {
    let s: Synthesized;
    before(function () {
      this.timeout(TIMEOUT);
      s = synth(shape);
    });

    it('is trusted by exactly the host role: AssumeRole with a source identity, TagSession with our two keys only', () => {
      const trust = s.json.Resources[toolsRoleId(s)]!.Properties.AssumeRolePolicyDocument.Statement as any[];
      assert.equal(s.json.Resources[toolsRoleId(s)]!.Properties.MaxSessionDuration, 3600);
      for (const st of trust) {
        assert.equal(st.Effect, 'Allow');
        assert.deepEqual(st.Principal, { AWS: arnOf(hostRoleId(s)) }, 'no service, account or other role');
      }
      assert.deepEqual(trust.flatMap((st) => [st.Action].flat()).sort(), [
        'sts:AssumeRole',
        'sts:SetSourceIdentity',
        'sts:TagSession',
      ]);
      const assume = trust.find((st) => [st.Action].flat().includes('sts:AssumeRole'));
      assert.deepEqual(assume.Condition, { StringLike: { 'sts:SourceIdentity': '*' } });
      const tag = trust.find((st) => [st.Action].flat().includes('sts:TagSession'));
      assert.deepEqual(tag.Condition, {
        'ForAllValues:StringEquals': { 'aws:TagKeys': [USER_TAG, APPROVER_TAG] },
      });
      // No other role in the stack names the tools role in its trust, and none trusts the host role.
      for (const role of resourcesOf(s, 'AWS::IAM::Role'))
        if (role.id !== toolsRoleId(s))
          assert.doesNotMatch(JSON.stringify(role.Properties.AssumeRolePolicyDocument), /"AWS"/, role.id);
    });

    it('holds the tools: reads, Cost Explorer, the change path, and the deny on this stack and CDKToolkit', () => {
      const statements = roleStatements(s, toolsRoleId(s));
      const granted = new Set(allowed(statements));
      for (const action of TOOL_ACTIONS) assert.ok(granted.has(action), action);
      for (const action of ['ec2:DescribeInstances', 'cloudformation:CreateChangeSet', 'ce:GetCostAndUsage'])
        assert.ok(granted.has(action), action);
      const deny = statements.find((st) => st.Effect === 'Deny')!;
      assert.ok(actionsOf(deny).includes('cloudformation:ExecuteChangeSet'));
      assert.match(
        JSON.stringify(deny.Resource),
        new RegExp(`:stack/${s.stack.stackName}/\\*.*:stack/CDKToolkit/\\*`),
      );
      // Nothing of the host's: no model, memory, table data, secret, or a further hop.
      assert.deepEqual(
        [...granted].filter((a) =>
          /^(bedrock|bedrock-agentcore|secretsmanager|xray|kms):|^dynamodb:(.*Item|Query|Scan|PartiQL.*)$|^sts:(AssumeRole|TagSession|SetSourceIdentity)$/.test(
            a,
          ),
        ),
        [],
      );
    });

    it("the host role may assume the tools role and nothing else, and keeps none of the tools' actions", () => {
      const statements = roleStatements(s, hostRoleId(s));
      const hop = statements.filter((st) => actionsOf(st).some((a) => a.startsWith('sts:')));
      assert.equal(hop.length, 1);
      assert.deepEqual([...actionsOf(hop[0]!)].sort(), [
        'sts:AssumeRole',
        'sts:SetSourceIdentity',
        'sts:TagSession',
      ]);
      assert.deepEqual(hop[0]!.Resource, arnOf(toolsRoleId(s)));
      // The tools' grants are on `*` (or are writes); the host's few overlaps (DescribeTable on its own
      // table, the AgentCore construct's log reads on its log groups) name its own resources.
      const toolish = statements.filter(
        (st) =>
          actionsOf(st).some((a) => CHANGE_ACTIONS.includes(a)) ||
          (actionsOf(st).some((a) => TOOL_ACTIONS.has(a)) && [st.Resource].flat().includes('*')),
      );
      assert.deepEqual(toolish, []);
      const actions = allowed(statements);
      for (const bad of [/^ec2:/, /^cloudformation:/, /^ce:/, /^securityhub:/, /^s3:/, /^iam:/])
        assert.ok(!actions.some((a) => bad.test(a)), String(bad));
      // What the host itself needs stays.
      for (const keep of [
        'bedrock:InvokeModelWithResponseStream',
        'bedrock:ApplyGuardrail',
        'dynamodb:PutItem',
        'xray:PutTraceSegments',
      ])
        assert.ok(actions.includes(keep), keep);
      if (shape === 'agentcore') assert.ok(actions.includes('bedrock-agentcore:CreateEvent'));
      else assert.ok(actions.includes('logs:PutLogEvents'));
    });

    it('tells the host TOOLS_ROLE_ARN and outputs ToolsRoleArn, with no dependency cycle between the roles', () => {
      assert.deepEqual(hostEnv(s).TOOLS_ROLE_ARN, arnOf(toolsRoleId(s)));
      assert.deepEqual(s.json.Outputs.ToolsRoleArn.Value, arnOf(toolsRoleId(s)));
      // Trust names the host role, the host's policy names the tools role: CloudFormation must still order them.
      assert.equal(dependencyCycle(s), undefined);
      s.template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Principal: { AWS: arnOf(hostRoleId(s)) } })]),
        },
        MaxSessionDuration: 3600,
      });
    });

    it('read-only tools mode leaves the change path off the tools role too', function () {
      this.timeout(TIMEOUT);
      const r = synth(shape, { toolsMode: 'read-only' });
      const granted = allowed(roleStatements(r, toolsRoleId(r)));
      assert.ok(granted.includes('cloudformation:DescribeStacks'));
      assert.ok(!granted.some((a) => CHANGE_ACTIONS.includes(a)));
      // Exactly the read-only tools' declared reads.
      assert.deepEqual([...new Set(granted)].sort(), toolActions('read-only').reads);
    });

    it('a non-Bedrock provider still assumes the tools role and still applies the guardrail', function () {
      this.timeout(TIMEOUT);
      const r = synth(shape, { modelProvider: 'anthropic', modelApiKeySecret: 'prod/anthropic-key' });
      const host = allowed(roleStatements(r, hostRoleId(r)));
      assert.ok(host.includes('sts:AssumeRole') && host.includes('bedrock:ApplyGuardrail'));
      assert.ok(!host.some((a) => a.startsWith('bedrock:Invoke')));
      assert.equal(dependencyCycle(r), undefined);
    });
  });
}

describe('infrastructure: dependency cycle check', () => {
  it('finds a cycle when one exists (the check itself can fail)', () => {
    const fake = {
      json: {
        Resources: {
          A: { Type: 'X', Properties: { P: { 'Fn::GetAtt': ['B', 'Arn'] } } },
          B: { Type: 'X', Properties: { P: { Ref: 'A' } } },
        },
        Outputs: {},
      },
    } as unknown as Synthesized;
    assert.deepEqual(dependencyCycle(fake), ['A', 'B', 'A']);
  });
});

import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { approvalTemplate } from '../../../../extension/diff/approval-template';
import {
  diffTitle,
  parseTemplatePath,
  TEMPLATE_SCHEME,
  templatePath,
} from '../../../../extension/diff/template-uris';
import { templateAsYaml } from '../../../../backend/src/core/tools/cloudformation/template-yaml';
import { applyEvent } from '../../../../shared/conversation-state';
import { resumedExchange } from '../../../support/conversation-state';

describe('template diff', () => {
  it('converts a JSON template to YAML with the same content, keys in order, long strings whole', () => {
    const template = {
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: {
        Role: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [
              { PolicyName: 'p', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: '*' }] } },
            ],
            Description: 'x'.repeat(300),
            Path: { 'Fn::Sub': '/${AWS::StackName}/\nnext line' },
          },
        },
      },
      Outputs: { Arn: { Value: { 'Fn::GetAtt': ['Role', 'Arn'] } }, Zero: { Value: '0123' } },
    };
    const yaml = templateAsYaml(JSON.stringify(template, null, 2));
    assert.match(
      yaml,
      /^AWSTemplateFormatVersion: 2010-09-09\nResources:\n  Role:\n    Type: AWS::IAM::Role\n/,
    );
    assert.ok(
      yaml.split('\n').some((l) => l.includes('x'.repeat(300))),
      'not folded',
    );
    assert.deepEqual(parse(yaml), template);
  });

  it('leaves YAML (short-form tags included) and text that is not JSON as written', () => {
    const yaml = 'Resources:\n  T:\n    Type: AWS::SNS::Topic\nOutputs:\n  A: {Value: !Ref T}\n';
    assert.equal(templateAsYaml(yaml), yaml);
    assert.equal(templateAsYaml('{ not json'), '{ not json');
    assert.equal(templateAsYaml(''), '');
  });

  it('names read-only documents by key and side, with a path-safe stack name', () => {
    assert.equal(TEMPLATE_SCHEME, 'cloudengineer-template');
    const path = templatePath('k-1', 'deployed', 'web-app');
    assert.equal(path, '/k-1/deployed/web-app.yaml');
    assert.deepEqual(parseTemplatePath(path), { key: 'k-1', side: 'deployed' });
    assert.deepEqual(parseTemplatePath(templatePath('k-1', 'proposed', 'web-app')), {
      key: 'k-1',
      side: 'proposed',
    });
    const arn = 'arn:aws:cloudformation:us-east-1:123456789012:stack/web-app/0f1e';
    assert.equal(templatePath('k', 'proposed', arn), '/k/proposed/web-app.yaml');
    // Whatever a stack name holds cannot leave its path segment.
    assert.equal(templatePath('k', 'proposed', '../../etc/passwd'), '/k/proposed/--.yaml');
    assert.throws(() => templatePath('../x', 'deployed', 'web'));
    for (const bad of [
      '/k/other/web.yaml',
      '/../deployed/web.yaml',
      '/k/deployed/a/b.yaml',
      '/k/deployed/web.json',
      '',
    ])
      assert.equal(parseTemplatePath(bad), undefined, bad);
    assert.equal(diffTitle('web', true), 'web: new stack ↔ proposed');
    assert.equal(diffTitle('web', false), 'web: deployed ↔ proposed');
  });

  it('finds the templates of the approval the button is on, and nothing for another id', () => {
    const template = { stackName: 'web', proposed: 'a: 1', deployed: '' };
    const state = {
      items: [
        { kind: 'user' as const, text: 'hi' },
        { kind: 'approval' as const, id: 't1', name: 'n', input: {}, reason: 'r', details: { template } },
      ],
      busy: false,
    };
    assert.deepEqual(approvalTemplate(state, 't1'), template);
    assert.equal(approvalTemplate(state, 't2'), undefined);
  });

  it('keeps where a call runs and its templates on the card, live and after a resume', () => {
    const template = { stackName: 'web', proposed: 'a: 2', deployed: 'a: 1' };
    const target = { account: '123456789012', region: 'eu-west-1' };
    const live = applyEvent(
      { items: [], busy: true },
      {
        type: 'approval_required',
        id: 't1',
        name: 'cloudformation_plan_change',
        input: {},
        reason: 'r',
        details: { template },
        target,
      },
    );
    assert.deepEqual(approvalTemplate(live, 't1'), template);
    assert.deepEqual(live.items[0]!.kind === 'approval' && live.items[0]!.target, target);
    const resumed = resumedExchange({
      toolCalls: [
        {
          id: 't1',
          name: 'cloudformation_plan_change',
          input: {},
          status: 'pending',
          readOnly: false,
          details: { template },
          target,
        },
      ],
    });
    const card = resumed.find((i) => i.kind === 'approval');
    assert.deepEqual(card?.kind === 'approval' && [card.target, card.details?.template], [target, template]);
  });
});

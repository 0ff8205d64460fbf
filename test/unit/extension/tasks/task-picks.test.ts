import assert from 'node:assert/strict';
import { TASKS } from '../../../../backend/src/core/tasks/catalog';
import { publicTask } from '../../../../backend/src/core/tasks/fill';
import { taskPicks, validateParam } from '../../../../extension/tasks/task-picks';

describe('Run Cloud Task picks', () => {
  const picks = taskPicks(TASKS.map(publicTask));

  it('groups tasks under one separator per category, in the reference order', () => {
    assert.deepEqual(
      picks.filter((p) => p.kind === 'separator').map((p) => p.label),
      [
        'Resources & Status',
        'Troubleshooting',
        'Security',
        'Cost',
        'Architecture Diagrams',
        'Best-Practice Guidance',
        'Operations',
        'Infrastructure Changes',
        'Complete Stacks',
      ],
    );
    assert.equal(picks.filter((p) => p.kind === 'task').length, TASKS.length);
    const sepIndex = picks.findIndex((p) => p.label === 'Infrastructure Changes');
    assert.ok(picks.slice(sepIndex + 1).every((p) => p.kind === 'separator' || p.task.mutating));
  });

  it('marks the tasks that change AWS and carries the description for search', () => {
    const vpc = picks.find((p) => p.kind === 'task' && p.task.id === 'create-vpc') as Extract<
      (typeof picks)[number],
      { kind: 'task' }
    >;
    assert.equal(vpc.label, '$(warning) Create a VPC');
    assert.equal(vpc.description, 'changes AWS, with your approval');
    assert.match(vpc.detail, /reviewed CloudFormation change set/);
  });
});

describe('task parameter validation', () => {
  // Patterns come from the task definitions, as the backend sends them: nothing is keyed on names here.
  const params = new Map(TASKS.flatMap((t) => t.params ?? []).map((param) => [param.name, param]));
  const p = (name: string, required = false) => ({
    ...(params.get(name) ?? { name, label: name }),
    label: name,
    required,
  });
  it('requires required params and accepts blank optional ones', () => {
    assert.equal(validateParam(p('description', true), '  '), 'description is required');
    assert.equal(validateParam(p('region'), ''), undefined);
  });
  it('checks the shape of well-known params', () => {
    assert.equal(validateParam(p('region'), 'eu-west-1'), undefined);
    assert.match(validateParam(p('region'), 'Europe')!, /AWS region/);
    assert.equal(validateParam(p('vpcId'), 'vpc-0123456789abcdef0'), undefined);
    assert.match(validateParam(p('vpcId'), 'vpc-xyz')!, /VPC id/);
    assert.match(validateParam(p('cidr'), '10.0.0.0/8')!, /\/16 to \/28/);
    assert.equal(validateParam(p('stackName'), 'web-prod'), undefined);
    assert.match(validateParam(p('stackName'), '1web')!, /starting with a letter/);
    assert.match(validateParam(p('budget'), 'lots')!, /An amount/);
    assert.equal(validateParam(p('functionName'), 'orders-processor'), undefined);
    assert.match(validateParam(p('functionName'), 'orders processor')!, /function name/);
  });

  it('takes any pattern from the definition, and tolerates a broken one', () => {
    const custom = {
      name: 'ticket',
      label: 'Ticket',
      required: true,
      pattern: '^OPS-\\d+$',
      patternError: 'A ticket such as OPS-12',
    };
    assert.equal(validateParam(custom, 'OPS-12'), undefined);
    assert.equal(validateParam(custom, 'ops12'), 'A ticket such as OPS-12');
    assert.equal(validateParam({ ...custom, pattern: '([' }, 'anything'), undefined);
    assert.equal(
      validateParam({ name: 'free', label: 'Free', required: false }, 'any text at all'),
      undefined,
    );
  });
});

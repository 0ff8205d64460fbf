import assert from 'node:assert/strict';
import { Task } from '../../../../backend/src/protocol';
import { CATEGORIES, TASKS } from '../../../../backend/src/core/tasks/catalog';
import { fillTaskPrompt, publicTask } from '../../../../backend/src/core/tasks/fill';

describe('task catalog', () => {
  it('holds valid contract tasks with unique ids, and every slot names a declared param', () => {
    assert.equal(new Set(TASKS.map((t) => t.id)).size, TASKS.length);
    for (const task of TASKS) {
      Task.parse(publicTask(task));
      assert.ok(!('prompt' in publicTask(task)), 'the prompt stays on the server');
      const slots = [...task.prompt.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (task.params ?? []).map((p) => p.name);
      assert.deepEqual(
        slots.filter((s) => !declared.includes(s!)),
        [],
        task.id,
      );
    }
  });

  it('covers the reference agent categories with at least 35 tasks', () => {
    assert.ok(TASKS.length >= 35, `${TASKS.length} tasks`);
    const perCategory = Object.fromEntries(
      Object.values(CATEGORIES).map((c) => [c, TASKS.filter((t) => t.category === c).length]),
    );
    for (const [category, count] of Object.entries(perCategory))
      assert.ok(count >= 5, `${category}: ${count}`);
    assert.equal(TASKS.filter((t) => !Object.values(CATEGORIES).includes(t.category as never)).length, 0);
  });

  it('marks exactly the infrastructure changes as mutating, and they go through a change set', () => {
    for (const task of TASKS) {
      assert.equal(task.mutating, task.category === CATEGORIES.changes, task.id);
      if (task.mutating) assert.match(task.prompt, /cloudformation_(plan_change|delete_stack)/, task.id);
    }
  });

  it('includes the read-only tasks of the reference agent', () => {
    const ids = new Set(TASKS.map((t) => t.id));
    for (const id of [
      'list-ec2-instances',
      'list-s3-buckets',
      'cloudwatch-alarms-in-alarm',
      'iam-users-last-activity',
      'security-group-risks',
      'cost-optimization-candidates',
      'list-lambda-functions',
      'rds-instance-status',
      'vpc-configuration-review',
      'unattached-ebs-volumes',
      'diagram-from-description',
    ]) {
      assert.ok(ids.has(id), id);
    }
  });
});

describe('fillTaskPrompt', () => {
  const task = TASKS.find((t) => t.id === 'vpc-configuration-review')!;

  it('fills slots and reads blank optional ones as not specified', () => {
    const prompt = fillTaskPrompt(task, { region: 'eu-central-1', vpcId: ' ' });
    assert.match(prompt, /in eu-central-1 \(VPC: not specified\)/);
    assert.doesNotMatch(prompt, /\{\w+\}/);
  });

  it('appends extra instructions', () => {
    assert.match(
      fillTaskPrompt(task, {}, 'only prod'),
      /the configured region[\s\S]*\n\nAdditional instructions: only prod$/,
    );
  });

  it('refuses a missing required param and an unknown one', () => {
    const diagram = TASKS.find((t) => t.id === 'diagram-from-description')!;
    assert.throws(() => fillTaskPrompt(diagram, { description: '  ' }), /needs the parameter "description"/);
    assert.throws(() => fillTaskPrompt(task, { regoin: 'x' }), /has no parameter regoin/);
  });
});

import assert from 'node:assert/strict';
import { Task } from '../../../../backend/src/protocol';
import { TASKS } from '../../../../backend/src/core/tasks/catalog';
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

  it('has the reference agent read-only tasks', () => {
    assert.ok(TASKS.length >= 11);
    assert.ok(TASKS.every((t) => t.mutating === false));
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

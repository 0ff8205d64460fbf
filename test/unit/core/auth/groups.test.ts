/**
 * The group rules on their own and through the service: ALLOWED_GROUPS alone decides who may use
 * the agent, APPROVER_GROUPS who may approve, names compare exactly, TOOLS_MODE=read-only wins,
 * and AUTH_MODE=none has no rules.
 */
import assert from 'node:assert/strict';
import * as z from 'zod';
import { LOCAL_ACTOR } from '../../../../backend/src/core/auth/authenticator';
import {
  approverGroups,
  canApprove,
  ensureAllowed,
  ensureApprover,
} from '../../../../backend/src/core/auth/groups';
import { ForbiddenError } from '../../../../backend/src/core/errors';
import { ToolRegistry } from '../../../../backend/src/core/tools/registry';
import { defineTool } from '../../../../backend/src/core/tools/types';
import type { StreamEvent } from '../../../../backend/src/protocol';
import { chat, inProcessService, user } from '../../../support/in-process';
import { scripted, toolUse } from '../../../support/scripted-model';

const rules = { allowed: ['engineers', 'approvers'], approvers: ['approvers'] };

describe('group rules', () => {
  it('lets in members of ALLOWED_GROUPS only: an approver outside them is refused too', () => {
    ensureAllowed(user('v', ['engineers']), rules);
    ensureAllowed(user('a', ['approvers']), rules);
    const strict = { allowed: ['engineers'], approvers: ['approvers'] };
    assert.throws(
      () => ensureAllowed(user('a', ['approvers']), strict),
      (e: Error) => e instanceof ForbiddenError && /the group "engineers"/.test(e.message),
    );
    assert.throws(() => ensureAllowed(user('o', []), rules), /one of the groups "engineers", "approvers"/);
    ensureAllowed(user('o', []), { approvers: ['approvers'] }); // no ALLOWED_GROUPS: every verified user
  });

  it('compares names exactly: case, spaces, look-alike letters and prefixes are other groups', () => {
    for (const g of [
      'Approvers',
      ' approvers',
      'approvers ',
      'аpprovers',
      'ａpprovers',
      'approvers-old',
      'approver',
      'approvers\u200b',
    ]) {
      assert.equal(canApprove(user('l', [g]), rules), false, JSON.stringify(g));
      assert.throws(() => ensureApprover(user('l', [g]), rules), ForbiddenError);
    }
    assert.equal(canApprove(user('a', ['engineers', 'approvers']), rules), true);
  });

  it('has no rules for the one local user, and says whom to ask only when there is a rule', () => {
    ensureAllowed(LOCAL_ACTOR, rules);
    assert.equal(canApprove(LOCAL_ACTOR, rules), true);
    assert.equal(approverGroups(LOCAL_ACTOR, rules), undefined);
    assert.deepEqual(approverGroups(user('v', ['engineers']), rules), ['approvers']);
    assert.equal(approverGroups(user('v'), { allowed: ['engineers'] }), undefined);
    assert.equal(
      canApprove(user('v'), { allowed: ['engineers'] }),
      true,
      'no APPROVER_GROUPS: anyone allowed may approve',
    );
  });

  it('quotes group names in the message as they are, so a space or a quote shows', () => {
    assert.throws(
      () => ensureApprover(user('v'), { approvers: ['ops "leads"', ' x'] }),
      /one of the groups "ops \\"leads\\"", " x"/,
    );
  });
});

describe('group rules through the service', () => {
  const deploy = defineTool({
    name: 'deploy',
    description: 'changes AWS',
    inputSchema: z.object({}),
    readOnly: false,
    run: async () => 'deployed',
  });

  it('a card for a viewer says canApprove false and names the approver groups; an approver’s says neither', async () => {
    const agent = inProcessService({
      tools: new ToolRegistry([deploy]),
      groups: rules,
      model: scripted([toolUse('t1', 'deploy'), toolUse('t2', 'deploy')]),
    });
    const card = (events: StreamEvent[]) =>
      events.find((e) => e.type === 'approval_required') as Extract<
        StreamEvent,
        { type: 'approval_required' }
      >;
    const viewer = card((await chat(agent, user('v', ['engineers']), { message: 'go' })).events);
    assert.equal(viewer.canApprove, false);
    assert.deepEqual(viewer.approverGroups, ['approvers']);
    const approver = card((await chat(agent, user('a', ['approvers']), { message: 'go' })).events);
    assert.equal(approver.canApprove, true);
    assert.equal(approver.approverGroups, undefined);
  });

  it('whoami: TOOLS_MODE=read-only wins over groups; the approver groups are named with a rule only', async () => {
    const whoami = async (agent: ReturnType<typeof inProcessService>, actor: ReturnType<typeof user>) =>
      ((await agent.invoke(actor, { action: 'whoami' })) as { body: any }).body;
    const writes = inProcessService({ tools: new ToolRegistry([deploy]), groups: rules });
    const readOnly = inProcessService({ tools: new ToolRegistry([deploy], 'read-only'), groups: rules });
    assert.equal((await whoami(writes, user('a', ['approvers']))).canApprove, true);
    assert.equal((await whoami(readOnly, user('a', ['approvers']))).canApprove, false);
    assert.deepEqual((await whoami(writes, user('v', ['engineers']))).approverGroups, ['approvers']);
    const local = await whoami(
      inProcessService({ tools: new ToolRegistry([deploy]), groups: rules }),
      LOCAL_ACTOR,
    );
    assert.deepEqual(local, { actorId: 'local', authMode: 'none', canApprove: true });
    await assert.rejects(readOnly.invoke(user('o', ['nobody']), { action: 'whoami' }), ForbiddenError);
    await assert.rejects(
      readOnly.invoke(user('o', ['nobody']), { action: 'chat', message: 'hi' }),
      ForbiddenError,
    );
  });

  it('whoami names the person by e-mail when the pool gave one, else the token’s username', async () => {
    const agent = inProcessService({ groups: rules });
    const actor = { ...user('uuid-1', ['engineers']), name: 'viewer@example.com' };
    const body = ((await agent.invoke(actor, { action: 'whoami' })) as { body: any }).body;
    assert.equal(body.username, 'viewer@example.com');
    const plain = ((await agent.invoke(user('uuid-2', ['engineers']), { action: 'whoami' })) as { body: any })
      .body;
    assert.equal(plain.username, 'uuid-2');
  });
});

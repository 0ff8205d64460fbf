import assert from 'node:assert/strict';
import {
  accountMenu,
  approvalLine,
  groupLabel,
  groupLabels,
  MAX_GROUPS_SHOWN,
  type AccountState,
  type Whoami,
} from '../../../../extension/status/account-menu';

const whoami = (over: Partial<Whoami> = {}): Whoami => ({
  actorId: 'sub-1',
  username: 'alice@example.com',
  authMode: 'cognito',
  groups: ['cloud-engineer-users'],
  canApprove: false,
  approverGroups: ['cloud-engineer-approvers'],
  ...over,
});
const signedIn = (over: Partial<AccountState> = {}): AccountState => ({
  where: 'abc.lambda-url.eu-west-1.on.aws',
  connected: true,
  user: 'alice@example.com',
  signInConfigured: true,
  whoami: whoami(),
  ...over,
});
const labels = (state: AccountState) => accountMenu(state).map((i) => i.label);
const actions = (state: AccountState) => accountMenu(state).flatMap((i) => (i.action ? [i.action] : []));

describe('account menu', () => {
  it('names the person, their groups and whom to ask for an approval', () => {
    assert.deepEqual(accountMenu(signedIn()), [
      { label: '$(account) alice@example.com', description: 'abc.lambda-url.eu-west-1.on.aws' },
      { label: 'Groups', separator: true },
      { label: '$(organization) cloud-engineer-users' },
      { label: 'Approvals', separator: true },
      {
        label: '$(circle-slash) Cannot approve changes',
        description: 'ask a member of cloud-engineer-approvers',
      },
      { label: '', separator: true },
      { label: '$(sign-out) Sign Out', action: 'signOut' },
      { label: '$(settings-gear) Configure Backend…', action: 'configure' },
      { label: '$(plug) Connect to Deployment…', action: 'connect' },
      { label: '$(output) Show Logs', action: 'showLogs' },
    ]);
  });

  it('says an approver may approve', () => {
    const state = signedIn({
      whoami: whoami({ groups: ['cloud-engineer-users', 'cloud-engineer-approvers'], canApprove: true }),
    });
    assert.ok(labels(state).includes('$(pass) May approve changes'));
    assert.ok(labels(state).includes('$(organization) cloud-engineer-approvers'));
  });

  it('does not send an approver to ask themselves when the backend allows no changes (read-only)', () => {
    const state = signedIn({
      whoami: whoami({ groups: ['cloud-engineer-approvers'], canApprove: false }),
    });
    assert.deepEqual(approvalLine(state.whoami as Whoami), {
      label: '$(circle-slash) Cannot approve changes',
      description: 'this backend allows none',
    });
    assert.deepEqual(approvalLine(whoami({ approverGroups: undefined })), {
      label: '$(circle-slash) Cannot approve changes',
      description: 'this backend allows none',
    });
  });

  it('names several approver groups, a few at most', () => {
    const line = approvalLine(whoami({ approverGroups: ['a', 'b', 'c', 'd'] }));
    assert.equal(line?.description, 'ask a member of a, b, c, …');
  });

  it('shows nothing about approvals when an older backend does not say', () => {
    const state = signedIn({ whoami: whoami({ canApprove: undefined, approverGroups: undefined }) });
    assert.ok(!labels(state).some((l) => /approve/i.test(l)));
  });

  it('says "In no group" for a user without groups', () => {
    assert.ok(
      labels(signedIn({ whoami: whoami({ groups: undefined }) })).includes('$(organization) In no group'),
    );
  });

  it('opens at once while the groups load, and says so when they cannot be read', () => {
    assert.ok(labels(signedIn({ whoami: 'loading' })).includes('$(loading~spin) Looking up your groups…'));
    const failed = accountMenu(signedIn({ whoami: { problem: 'The backend answered 503.\u202e$(alert)' } }));
    const item = failed.find((i) => i.label === '$(warning) Could not read your groups');
    assert.equal(item?.detail, 'The backend answered 503. $ (alert)');
    assert.deepEqual(actions(signedIn({ whoami: 'loading' })), [
      'signOut',
      'configure',
      'connect',
      'showLogs',
    ]);
  });

  it('offers Sign In when a pool is set and nobody is signed in, and neither without a pool', () => {
    const out = signedIn({ user: undefined, whoami: undefined });
    assert.equal(labels(out)[0], '$(account) Not signed in');
    assert.deepEqual(actions(out), ['signIn', 'configure', 'connect', 'showLogs']);
    assert.deepEqual(actions({ ...out, signInConfigured: false }), ['configure', 'connect', 'showLogs']);
  });

  it('local mode: no sign-in, no groups, approvals are yours', () => {
    const local = signedIn({
      where: 'local · dev',
      user: undefined,
      signInConfigured: false,
      whoami: { actorId: 'local', authMode: 'none', canApprove: true },
    });
    assert.deepEqual(labels(local).slice(0, 4), [
      '$(account) No sign-in',
      'Approvals',
      '$(pass) May approve changes',
      '',
    ]);
  });

  it('says what is missing when there is no connection, and offers to configure it', () => {
    const none = accountMenu({
      where: 'Set cloudEngineer.backend.url first.',
      connected: false,
      signInConfigured: false,
      whoami: undefined,
    });
    assert.deepEqual(none[0], {
      label: '$(warning) Not connected',
      detail: 'Set cloudEngineer.backend.url first.',
    });
    assert.deepEqual(
      none.flatMap((i) => (i.action ? [i.action] : [])),
      ['configure', 'connect', 'showLogs'],
    );
  });

  it('marks an offline sign-in', () => {
    assert.match(accountMenu(signedIn({ offline: true }))[0]!.description!, /offline, retrying/);
  });

  describe('names from a token are inert', () => {
    it('cannot inject codicons, control, bidi or zero-width characters', () => {
      assert.equal(groupLabel('$(verified) admins'), '$ (verified) admins');
      assert.equal(groupLabel('ops\u202etxt.exe'), 'ops txt.exe');
      assert.equal(groupLabel('a\u200bb\u2066c\u2069'), 'a b c');
      assert.equal(groupLabel('line\nbreak\r\tand\u0000nul\u0085'), 'line break and nul');
      assert.equal(groupLabel('\u2028sep\u2029'), 'sep');
      assert.equal(groupLabel(42), '');
    });

    it('caps a long name and the number of groups listed', () => {
      assert.equal([...groupLabel('g'.repeat(500))].length, 64);
      assert.ok(groupLabel('g'.repeat(500)).endsWith('…'));
      const many = Array.from({ length: 45 }, (_, i) => `group-${i}`);
      const shown = labels(signedIn({ whoami: whoami({ groups: many }) }));
      assert.equal(shown.filter((l) => l.startsWith('$(organization) group-')).length, MAX_GROUPS_SHOWN);
      assert.ok(shown.includes(`$(ellipsis) and ${45 - MAX_GROUPS_SHOWN} more`));
    });

    it('drops what is not a name, and duplicates made by cleaning', () => {
      assert.deepEqual(groupLabels(['a', 'a\u200b', '', '  ', null, 7, { x: 1 }, 'b']), ['a', 'b']);
      assert.deepEqual(groupLabels('not-an-array'), []);
    });

    it('cleans the user name and the approver groups as well', () => {
      const items = accountMenu(
        signedIn({
          user: '$(shield) root\u202e',
          whoami: whoami({ approverGroups: ['$(star) approvers\u0007'] }),
        }),
      );
      assert.equal(items[0]!.label, '$(account) $ (shield) root');
      const approval = items.find((i) => i.label.includes('Cannot approve'));
      assert.equal(approval?.description, 'ask a member of $ (star) approvers');
      for (const item of items)
        assert.ok(!/[\u0000-\u001f\u202a-\u202e\u2066-\u2069\u200b]/.test(JSON.stringify(item)), item.label);
    });
  });
});

/**
 * What a repository's `.vscode/settings.json` may decide. A cloned repository is a stranger's input:
 * every setting that says where the extension connects, signs in or sends a key or a conversation
 * is application-scoped (user settings only, in a remote window too), and `tools.mode` may only get
 * stricter.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { strictestToolsMode } from '../../../../extension/common/tools-mode';

interface Setting {
  scope?: string;
  type?: string | string[];
  markdownDescription?: string;
}

const manifest = JSON.parse(readFileSync(resolve(__dirname, '../../../../package.json'), 'utf8'));
const settings: Record<string, Setting> = Object.assign(
  {},
  ...[manifest.contributes.configuration]
    .flat()
    .map((s: { properties: Record<string, Setting> }) => s.properties),
);

/** Where the extension connects, signs in, or sends a key or the conversation. */
const DESTINATIONS = [
  'cloudEngineer.backend.url',
  'cloudEngineer.agentcore.runtimeArn',
  'cloudEngineer.agentcore.endpoint',
  'cloudEngineer.cognito.userPoolId',
  'cloudEngineer.cognito.clientId',
  'cloudEngineer.cognito.domain',
  'cloudEngineer.cognito.endpoint',
  'cloudEngineer.cognito.identityProvider',
  'cloudEngineer.model.baseUrl',
  'cloudEngineer.local.bedrockEndpoint',
  'cloudEngineer.mcp.servers',
];

describe('settings a workspace may not decide', () => {
  it('every destination setting is user settings only', () => {
    // Not `machine`: a remote window (SSH, WSL, code-server) ignores machine-scoped values in the
    // user's own settings, so the backend a user set would vanish there.
    for (const name of DESTINATIONS) {
      assert.ok(settings[name], `${name} in package.json`);
      assert.equal(settings[name]!.scope ?? 'window', 'application', name);
    }
  });

  it('a new setting that names a place (url, endpoint, domain, ARN, pool, client, servers) is one of them', () => {
    const placeLike = /(url|endpoint|domain|arn|poolid|clientid|servers|identityprovider)$/i;
    const named = Object.keys(settings).filter((name) => placeLike.test(name.split('.').at(-1)!));
    assert.ok(named.length >= DESTINATIONS.length - 1, named.join(', '));
    for (const name of named) assert.ok(DESTINATIONS.includes(name), `${name} is not in DESTINATIONS`);
  });

  it('what a workspace still sets is ignored in Restricted Mode where it chooses the account or the model', () => {
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    assert.equal(untrusted?.supported, 'limited');
    for (const name of [
      'cloudEngineer.backend.mode',
      'cloudEngineer.aws.profile',
      'cloudEngineer.aws.region',
      'cloudEngineer.model.provider',
      'cloudEngineer.model.id',
    ])
      assert.ok(untrusted.restrictedConfigurations.includes(name), name);
    // Restricting a machine-scoped setting would say nothing: a workspace cannot set it at all.
    for (const name of untrusted.restrictedConfigurations) assert.ok(!DESTINATIONS.includes(name), name);
  });
});

describe('tools.mode across levels', () => {
  it('read-only at any level wins; a workspace cannot loosen the user’s read-only', () => {
    assert.equal(strictestToolsMode(undefined), 'approve-writes');
    assert.equal(strictestToolsMode({ defaultValue: 'approve-writes' }), 'approve-writes');
    assert.equal(
      strictestToolsMode({
        defaultValue: 'approve-writes',
        globalValue: 'read-only',
        workspaceValue: 'approve-writes',
      }),
      'read-only',
    );
    assert.equal(
      strictestToolsMode({
        defaultValue: 'approve-writes',
        globalValue: 'read-only',
        workspaceFolderValue: 'approve-writes',
      }),
      'read-only',
    );
    assert.equal(
      strictestToolsMode({ defaultValue: 'approve-writes', workspaceValue: 'read-only' }),
      'read-only',
      'a repository may ask for read-only',
    );
    // Junk at any level is no permission: only the exact word loosens nothing and tightens nothing.
    assert.equal(strictestToolsMode({ globalValue: 'read-only', workspaceValue: 'READ-ONLY ' }), 'read-only');
    assert.equal(strictestToolsMode({ workspaceValue: 42 }), 'approve-writes');
  });
});

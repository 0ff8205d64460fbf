import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { classify, identityText } from '../../../../extension/status/identity';
import {
  effectiveRegion,
  isProfileName,
  listProfiles,
  validRegion,
  regionChoices,
} from '../../../../extension/status/profiles';

describe('status: AWS profiles from the shared files', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'ce-profiles-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const load = (config: string, credentials: string) => {
    const configFilepath = join(dir, `config-${Math.random()}`);
    const filepath = join(dir, `credentials-${Math.random()}`);
    writeFileSync(configFilepath, config);
    writeFileSync(filepath, credentials);
    return () => loadSharedConfigFiles({ configFilepath, filepath, ignoreCache: true });
  };

  it('lists config and credentials profiles once each, default first, SSO marked', async () => {
    const profiles = await listProfiles(
      load(
        [
          '[default]',
          'region = eu-west-1',
          '[profile dev]',
          'sso_session = corp',
          'sso_account_id = 111111111111',
          'region = us-east-2',
          '[profile legacy-sso]',
          'sso_start_url = https://corp.awsapps.com/start',
          '[profile both]',
          'region = ap-southeast-2',
          '[sso-session corp]',
          'sso_start_url = https://corp.awsapps.com/start',
          '[services local]',
          's3 =',
          '  endpoint_url = http://127.0.0.1:4566',
        ].join('\n'),
        [
          '[default]',
          'aws_access_key_id = AKIDEXAMPLE',
          '[both]',
          'aws_access_key_id = x',
          '[ci]',
          'aws_access_key_id = y',
        ].join('\n'),
      ),
    );
    assert.deepEqual(profiles, [
      { name: 'default', sso: false, region: 'eu-west-1', source: 'both' },
      { name: 'both', sso: false, region: 'ap-southeast-2', source: 'both' },
      { name: 'ci', sso: false, source: 'credentials' },
      { name: 'dev', sso: true, region: 'us-east-2', source: 'config' },
      { name: 'legacy-sso', sso: true, source: 'config' },
    ]);
  });

  it('is empty without files', async () => {
    const missing = join(dir, 'nope');
    assert.deepEqual(
      await listProfiles(() =>
        loadSharedConfigFiles({ configFilepath: missing, filepath: missing, ignoreCache: true }),
      ),
      [],
    );
  });

  it('leaves out names a setting or shell could not carry, and regions that are not regions', async () => {
    const profiles = await listProfiles(
      load(
        [
          '[profile ok]',
          'region = $(curl evil)',
          '[profile bad name]',
          '[profile x;rm -rf ~]',
          '[profile $(id)]',
        ].join('\n'),
        ['["quoted"]', 'aws_access_key_id = z'].join('\n'),
      ),
    );
    assert.deepEqual(profiles, [{ name: 'ok', sso: false, source: 'config' }]);
    for (const name of ['a b', 'a;b', '$(id)', '`id`', 'a\nb', "a'b", '-rf', ''])
      assert.equal(isProfileName(name), false, name);
    for (const name of ['dev', 'my.profile', 'team+ops', 'a_b-c', 'user@corp'])
      assert.ok(isProfileName(name), name);
    assert.ok(validRegion('us-gov-west-1'));
    assert.ok(!validRegion('us-east-1; rm'));
  });

  it('picks the region as local mode does: setting, profile, environment, us-east-1', () => {
    assert.equal(effectiveRegion('eu-west-3', 'us-east-2', {}), 'eu-west-3');
    assert.equal(effectiveRegion('', 'us-east-2', { AWS_REGION: 'x' }), 'us-east-2');
    assert.equal(effectiveRegion('', undefined, { AWS_REGION: 'ap-south-1' }), 'ap-south-1');
    assert.equal(effectiveRegion('', undefined, {}), 'us-east-1');
  });
});

describe('status: the identity line', () => {
  it('says account, profile and region, or why the account is unknown', () => {
    assert.equal(
      identityText({ account: '123456789012', profile: 'dev', region: 'eu-west-1', sso: false }),
      '123456789012 · dev · eu-west-1',
    );
    assert.equal(
      identityText({ profile: 'dev', region: 'eu-west-1', sso: true, problem: 'sso_expired' }),
      'SSO sign-in expired · dev · eu-west-1',
    );
  });

  it('classifies failures without passing their text on', () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    assert.equal(
      classify(named('CredentialsProviderError', 'Could not load credentials from any providers'), false),
      'no_credentials',
    );
    assert.equal(
      classify(named('TokenProviderError', 'The SSO session associated with this profile has expired'), true),
      'sso_expired',
    );
    assert.equal(
      classify(
        named('ExpiredTokenException', 'The security token included in the request is expired'),
        false,
      ),
      'failed',
    );
    assert.equal(classify(undefined, false), 'failed');
  });
});

describe('status: the regions offered', () => {
  it('offers the account’s enabled regions when they could be read, the current and the profile’s first', () => {
    assert.deepEqual(regionChoices('eu-west-1', 'us-east-2', ['us-east-1', 'eu-west-1', 'ap-south-2']), [
      'eu-west-1',
      'us-east-2',
      'ap-south-2',
      'us-east-1',
    ]);
  });

  it('falls back to the commercial list, and never offers an invalid code', () => {
    const offered = regionChoices('', 'not a region', undefined);
    assert.ok(offered.includes('us-east-1') && offered.includes('eu-central-1'));
    assert.ok(!offered.includes('not a region') && !offered.includes(''));
    assert.deepEqual(regionChoices(undefined, undefined, ['eu-west-1; rm -rf /', 'eu-west-1']), [
      'eu-west-1',
    ]);
  });
});

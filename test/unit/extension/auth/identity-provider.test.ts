import assert from 'node:assert/strict';
import { identityProviderProblem } from '../../../../extension/auth/identity-provider';
import { authorizeUrl } from '../../../../extension/auth/pkce';

const DOMAIN = 'myapp.auth.us-east-1.amazoncognito.com';
const REDIRECT = 'vscode://cloud-engineer.cloud-engineer/auth';
const build = (provider?: string) => authorizeUrl(DOMAIN, 'client-1', REDIRECT, 'chal', 'st', provider);

describe('hosted UI: straight to the company identity provider', () => {
  it('adds identity_provider to the authorize URL, and nothing else changes', () => {
    const plain = new URL(build());
    const url = new URL(build('CompanySSO'));
    assert.equal(url.searchParams.get('identity_provider'), 'CompanySSO');
    url.searchParams.delete('identity_provider');
    assert.equal(url.toString(), plain.toString());
    assert.equal(new URL(build('')).searchParams.has('identity_provider'), false, 'empty: Cognito’s page');
    assert.equal(new URL(build('  ')).searchParams.has('identity_provider'), false);
  });

  it('accepts the names Cognito accepts, Unicode ones included', () => {
    for (const name of [
      'Okta',
      'CompanySSO',
      'CompanySAML',
      'EntraID',
      'A_b',
      'Google',
      'Ñandú-Corp',
      'x'.repeat(32),
    ])
      assert.equal(identityProviderProblem(name), undefined, name);
    assert.equal(
      new URL(build('Ñandú-Corp')).searchParams.get('identity_provider'),
      'Ñandú-Corp',
      'encoded on the wire, intact when read back',
    );
  });

  it('refuses names that would add or replace a parameter, break the line or hide text', () => {
    for (const name of [
      '&redirect_uri=https://evil.example.com/cb',
      'Okta&redirect_uri=x',
      'Okta=1',
      'Okta#x',
      'Okta%26redirect_uri%3Dx',
      'Okta+x',
      'Okta?x',
      'Okta\nredirect_uri=x',
      'Ok\r\nta',
      'Ok\u0000ta',
      'Ok\u202eta',
      'Ok\u200bta',
      'Ok\u2028ta',
      'Company SSO',
      'Company_SSO',
      '_Okta',
      'ab',
      'x'.repeat(33),
    ]) {
      assert.ok(identityProviderProblem(name), JSON.stringify(name));
      assert.throws(() => build(name), { name: 'IdentityProviderError' }, JSON.stringify(name));
    }
  });

  it('says what is wrong without repeating the name', () => {
    assert.throws(
      () => build('Okta&redirect_uri=https://evil.example.com/cb'),
      (error: Error) =>
        /cloudEngineer\.cognito\.identityProvider is not usable/.test(error.message) &&
        !error.message.includes('evil.example.com'),
    );
  });

  it('keeps every other parameter exactly once, whatever the name holds', () => {
    // Names Cognito allows with punctuation that means nothing to a query: still encoded.
    for (const name of ['Okta/Prod', "O'Brien:SSO", 'Corp.<SSO>', 'Co;rp']) {
      const raw = build(name);
      const url = new URL(raw);
      assert.equal(url.searchParams.get('identity_provider'), name);
      assert.deepEqual(url.searchParams.getAll('redirect_uri'), [REDIRECT]);
      assert.deepEqual(url.searchParams.getAll('client_id'), ['client-1']);
      assert.deepEqual([...url.searchParams.keys()].sort(), [
        'client_id',
        'code_challenge',
        'code_challenge_method',
        'identity_provider',
        'redirect_uri',
        'response_type',
        'scope',
        'state',
      ]);
      assert.equal(url.hash, '');
    }
  });
});

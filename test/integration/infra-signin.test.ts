/**
 * Who may sign in and use the agent, from the synthesized templates: the users' and approvers'
 * groups and what the hosts are told about them, company sign-in over OIDC or SAML (with the
 * client secret never in the template), password sign-in switched off, and the hosted UI domain.
 */
import assert from 'node:assert/strict';
import { Match } from 'aws-cdk-lib/assertions';
import { readInfraConfig } from '../../backend/infra/lib/config';
import { DEPLOYMENT_OUTPUTS, SHAPES } from '../../backend/infra/lib/outputs';
import {
  actionsOf,
  hostEnv,
  hostRoleId,
  identityStatements,
  resourcesOf,
  roleStatements,
  synth,
  toolsRoleId,
  type Synthesized,
} from './infra-synth';

const TIMEOUT = 180_000;
const OIDC = {
  oidcIssuer: 'https://login.example.com/tenant-1/v2.0',
  oidcClientId: 'cloud-engineer-client',
  oidcClientSecretName: 'company/oidc-client-secret',
};
const SAML = { samlMetadataUrl: 'https://idp.example.com/app/metadata.xml' };

const only = (s: Synthesized, type: string) => {
  const found = resourcesOf(s, type);
  assert.equal(found.length, 1, `one ${type}`);
  return found[0]!;
};
const client = (s: Synthesized) => only(s, 'AWS::Cognito::UserPoolClient');
const poolRef = (s: Synthesized) => ({ Ref: only(s, 'AWS::Cognito::UserPool').id });
const providers = (s: Synthesized) => resourcesOf(s, 'AWS::Cognito::UserPoolIdentityProvider');

for (const shape of SHAPES) {
  describe(`infrastructure: groups (${shape} shape)`, function () {
    this.timeout(TIMEOUT);

    it('creates the users and approvers groups and tells the host who may use and who may approve', () => {
      const s = synth(shape);
      for (const name of ['cloud-engineer-users', 'cloud-engineer-approvers'])
        s.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
          GroupName: name,
          UserPoolId: poolRef(s),
        });
      s.template.resourceCountIs('AWS::Cognito::UserPoolGroup', 2);
      const env = hostEnv(s);
      assert.equal(env.ALLOWED_GROUPS, 'cloud-engineer-users,cloud-engineer-approvers');
      assert.equal(env.APPROVER_GROUPS, 'cloud-engineer-approvers');
      assert.equal(s.json.Outputs.UsersGroupName.Value, 'cloud-engineer-users');
      assert.equal(s.json.Outputs.ApproversGroupName.Value, 'cloud-engineer-approvers');
    });

    it('takes other group names, and open access leaves ALLOWED_GROUPS unset but keeps the approvers', () => {
      const named = synth(shape, { usersGroup: 'platform', approversGroup: 'platform-leads' });
      assert.equal(hostEnv(named).ALLOWED_GROUPS, 'platform,platform-leads');
      assert.equal(hostEnv(named).APPROVER_GROUPS, 'platform-leads');
      named.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'platform-leads' });
      assert.equal(named.json.Outputs.ApproversGroupName.Value, 'platform-leads');

      const open = synth(shape, { openAccess: 'true' });
      assert.ok(!('ALLOWED_GROUPS' in hostEnv(open)), 'every verified user');
      assert.equal(hostEnv(open).APPROVER_GROUPS, 'cloud-engineer-approvers');
      open.template.resourceCountIs('AWS::Cognito::UserPoolGroup', 2);
      // "false" is a string from -c: it must not read as true.
      assert.equal(
        hostEnv(synth(shape, { openAccess: 'false' })).ALLOWED_GROUPS,
        hostEnv(synth(shape)).ALLOWED_GROUPS,
      );
    });

    it('lets the host read a user of its own pool (the approver’s e-mail), and nothing else of Cognito', () => {
      const s = synth(shape);
      const poolArn = { 'Fn::GetAtt': [only(s, 'AWS::Cognito::UserPool').id, 'Arn'] };
      const cognitoGrants = identityStatements(s).filter(({ statement }) =>
        actionsOf(statement).some((a) => a.startsWith('cognito-idp:')),
      );
      assert.equal(cognitoGrants.length, 1);
      const [{ statement }] = cognitoGrants;
      assert.equal(statement!.Effect, 'Allow');
      assert.deepEqual(actionsOf(statement!), ['cognito-idp:AdminGetUser']);
      assert.deepEqual(statement!.Resource, poolArn);
      assert.ok(roleStatements(s, hostRoleId(s)).includes(statement!), 'on the host role');
      assert.ok(!roleStatements(s, toolsRoleId(s)).includes(statement!), 'never on the tools role');
    });

    it('keeps a verified e-mail until a new one is verified: it names the approver', () => {
      synth(shape).template.hasResourceProperties('AWS::Cognito::UserPool', {
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      });
    });
  });
}

describe('infrastructure: company sign-in', function () {
  this.timeout(TIMEOUT);

  it('by default: Cognito passwords only, no identity provider, no IdentityProviderName, the hosted UI domain', () => {
    const s = synth('lambda');
    assert.deepEqual(providers(s), []);
    assert.deepEqual(client(s).Properties.SupportedIdentityProviders, ['COGNITO']);
    assert.equal(s.json.Outputs[DEPLOYMENT_OUTPUTS.identityProvider], undefined);
    s.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      UserPoolId: poolRef(s),
      Domain: Match.anyValue(),
    });
    // No custom attribute unless a groups claim is mapped.
    assert.deepEqual(
      only(s, 'AWS::Cognito::UserPool').Properties.Schema.map((a: any) => a.Name),
      ['email'],
    );
  });

  it('adds an OIDC provider whose client secret is a Secrets Manager dynamic reference, never plain text', () => {
    const s = synth('agentcore', OIDC);
    const idp = only(s, 'AWS::Cognito::UserPoolIdentityProvider');
    const p = idp.Properties;
    assert.equal(p.ProviderType, 'OIDC');
    assert.equal(p.ProviderName, 'CompanySSO');
    assert.deepEqual(p.UserPoolId, poolRef(s));
    assert.equal(p.ProviderDetails.client_id, 'cloud-engineer-client');
    assert.equal(p.ProviderDetails.oidc_issuer, OIDC.oidcIssuer);
    assert.equal(p.ProviderDetails.authorize_scopes, 'openid email profile');
    assert.equal(p.ProviderDetails.attributes_request_method, 'GET');
    assert.equal(
      p.ProviderDetails.client_secret,
      '{{resolve:secretsmanager:company/oidc-client-secret:SecretString:::}}',
    );
    // The only place the secret's name appears is that reference.
    const text = JSON.stringify(s.json);
    assert.equal(text.split('company/oidc-client-secret').length - 1, 1);
    assert.deepEqual(p.AttributeMapping, {
      email: 'email',
      email_verified: 'email_verified',
      name: 'name',
      given_name: 'given_name',
      family_name: 'family_name',
    });
    const c = client(s);
    assert.deepEqual(c.Properties.SupportedIdentityProviders, ['COGNITO', { Ref: idp.id }]);
    assert.ok([c.DependsOn].flat().includes(idp.id), 'the client waits for the provider');
    assert.deepEqual(s.json.Outputs[DEPLOYMENT_OUTPUTS.identityProvider].Value, { Ref: idp.id });
  });

  it('maps a groups claim to custom:groups, a mutable custom attribute of the pool', () => {
    const s = synth('lambda', { ...OIDC, oidcGroupsClaim: 'groups', oidcName: 'Entra' });
    const p = only(s, 'AWS::Cognito::UserPoolIdentityProvider').Properties;
    assert.equal(p.ProviderName, 'Entra');
    assert.equal(p.AttributeMapping['custom:groups'], 'groups');
    const schema = only(s, 'AWS::Cognito::UserPool').Properties.Schema;
    assert.deepEqual(
      schema.find((a: any) => a.Name === 'groups'),
      {
        Name: 'groups',
        AttributeDataType: 'String',
        Mutable: true,
        StringAttributeConstraints: { MaxLength: '2048' },
      },
    );
  });

  it('adds a SAML provider from its metadata URL, named as asked', () => {
    const s = synth('lambda', { ...SAML, samlName: 'Okta' });
    const idp = only(s, 'AWS::Cognito::UserPoolIdentityProvider');
    assert.equal(idp.Properties.ProviderType, 'SAML');
    assert.equal(idp.Properties.ProviderName, 'Okta');
    assert.equal(idp.Properties.ProviderDetails.MetadataURL, SAML.samlMetadataUrl);
    assert.equal(idp.Properties.ProviderDetails.MetadataFile, undefined);
    assert.equal(
      idp.Properties.AttributeMapping.email,
      'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    );
    assert.deepEqual(client(s).Properties.SupportedIdentityProviders, ['COGNITO', { Ref: idp.id }]);
    assert.deepEqual(s.json.Outputs[DEPLOYMENT_OUTPUTS.identityProvider].Value, { Ref: idp.id });
    assert.equal(
      only(synth('lambda', SAML), 'AWS::Cognito::UserPoolIdentityProvider').Properties.ProviderName,
      'CompanySAML',
    );
  });

  it('with both providers the client lists both and no single IdentityProviderName is output', () => {
    const s = synth('lambda', { ...OIDC, ...SAML });
    const ids = providers(s).map((p) => p.id);
    assert.equal(ids.length, 2);
    const c = client(s);
    assert.deepEqual(c.Properties.SupportedIdentityProviders, ['COGNITO', ...ids.map((id) => ({ Ref: id }))]);
    for (const id of ids) assert.ok([c.DependsOn].flat().includes(id));
    assert.equal(s.json.Outputs[DEPLOYMENT_OUTPUTS.identityProvider], undefined);
  });

  it('passwordSignIn=false drops COGNITO and the password flows, keeping company sign-in and refresh', () => {
    const s = synth('agentcore', { ...OIDC, passwordSignIn: 'false' });
    const c = client(s).Properties;
    assert.deepEqual(c.SupportedIdentityProviders, [{ Ref: providers(s)[0]!.id }]);
    assert.deepEqual(c.ExplicitAuthFlows, ['ALLOW_REFRESH_TOKEN_AUTH']);
    assert.deepEqual(c.AllowedOAuthFlows, ['code']);
    // "true" keeps them.
    assert.ok(
      client(
        synth('agentcore', { ...OIDC, passwordSignIn: 'true' }),
      ).Properties.SupportedIdentityProviders.includes('COGNITO'),
    );
  });
});

describe('infrastructure: sign-in settings refused', () => {
  const refuses = (ctx: Record<string, unknown>, message?: RegExp) =>
    assert.throws(
      () => readInfraConfig((name) => ({ shape: 'lambda', ...ctx })[name]),
      (e: Error) => e.name === 'InfraConfigError' && (!message || message.test(e.message)),
      JSON.stringify(ctx).slice(0, 200),
    );

  it('refuses half an OIDC setup, a groups claim or SAML name alone, and no way to sign in', function () {
    this.timeout(TIMEOUT);
    refuses({ oidcIssuer: OIDC.oidcIssuer }, /oidcClientSecretName together/);
    refuses({ oidcIssuer: OIDC.oidcIssuer, oidcClientId: 'x' }, /together/);
    refuses({ oidcClientSecretName: 'company/x' }, /together/);
    refuses({ oidcGroupsClaim: 'groups' }, /needs oidcIssuer/);
    refuses({ samlName: 'Okta' }, /needs samlMetadataUrl/);
    assert.throws(() => synth('lambda', { passwordSignIn: 'false' }), /leaves no way to sign in/);
    refuses({ ...OIDC, ...SAML, oidcName: 'Company', samlName: 'Company' }, /different names/);
  });

  it('refuses insecure or dressed-up URLs, reserved or odd provider names, and group names that would split', () => {
    for (const oidcIssuer of [
      'http://login.example.com',
      'https://u:p@login.example.com',
      'https://x.example.com/#a',
      'javascript:alert(1)',
    ])
      refuses({ ...OIDC, oidcIssuer });
    for (const samlMetadataUrl of [
      'http://idp.example.com/m.xml',
      'file:///etc/passwd',
      'https://a:b@idp.example.com/m',
    ])
      refuses({ samlMetadataUrl });
    for (const oidcName of [
      'Google',
      'COGNITO',
      'Facebook',
      'has space',
      'x',
      'a'.repeat(33),
      'bad_underscore',
      '-lead',
    ])
      refuses({ ...OIDC, oidcName });
    for (const samlName of ['SignInWithApple', 'LoginWithAmazon', 'Ok\nta']) refuses({ ...SAML, samlName });
    // A comma would make one group two in ALLOWED_GROUPS.
    for (const usersGroup of ['ops,admins', 'ops admins', '', 'a'.repeat(129), 'x\u202eevil'])
      if (usersGroup) refuses({ usersGroup });
    refuses({ usersGroup: 'same', approversGroup: 'same' }, /must differ/);
    for (const flag of ['yes', '1', 'TRUE ', 'on']) {
      refuses({ openAccess: flag });
      refuses({ ...OIDC, passwordSignIn: flag });
    }
    refuses({ ...OIDC, oidcClientId: 'id with "quotes"' });
    refuses({ ...OIDC, oidcGroupsClaim: 'groups; drop' });
  });
});

/**
 * Sign-in for the team: a Cognito user pool an administrator fills (no self sign-up), the users'
 * and approvers' groups, optional company sign-in (OIDC, SAML), a public app client for the
 * extension (password and SRP sign-in unless turned off, refresh, and the hosted UI's authorization
 * code flow with PKCE back to the editor's URI), and the hosted-UI domain.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { addCompanyProviders, type CompanyProviders, GROUPS_ATTRIBUTE } from './identity-providers';

export interface AuthProps {
  /** `publisher.name` of the extension: its `vscode://<id>/auth` callback. */
  extensionId: string;
  domainPrefix: string;
  extraCallbackUrls: readonly string[];
  groups: { users: string; approvers: string };
  companyProviders?: CompanyProviders;
  /** `false`: company sign-in only; Cognito's own passwords are off for the extension's client. */
  passwordSignIn?: boolean;
}

/** URI schemes of the VS Code builds whose redirect reaches the extension. */
const EDITOR_SCHEMES = ['vscode', 'vscode-insiders'];
/** Cognito accepts plain http only for localhost. */
const LOOPBACK_CALLBACK = 'http://localhost/auth';

export function callbackUrls(extensionId: string, extra: readonly string[] = []): string[] {
  return [...EDITOR_SCHEMES.map((s) => `${s}://${extensionId}/auth`), LOOPBACK_CALLBACK, ...extra];
}

export class Auth extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  /** The federated providers' names, as the hosted UI's `identity_provider` takes them. */
  readonly providerNames: string[];
  /** The hosted UI's host name, as the extension's `cloudEngineer.cognito.domain` wants it. */
  readonly hostedUiDomain: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      // Federated sign-in rewrites mapped attributes on every sign-in: the groups one is mutable.
      ...(props.companyProviders?.oidc?.groupsClaim
        ? {
            customAttributes: {
              [GROUPS_ATTRIBUTE]: new cognito.StringAttribute({ mutable: true, maxLen: 2048 }),
            },
          }
        : {}),
      autoVerify: { email: true },
      // A changed e-mail counts once verified: until then the verified one stays (it names the approver).
      keepOriginal: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(7),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      // The team's accounts outlive the stack; `npm run destroy` leaves the pool (README).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Approvers first: the lower precedence wins where a role is chosen by group.
    this.userPool.addGroup('ApproversGroup', {
      groupName: props.groups.approvers,
      description: 'Cloud Engineer: may use the agent and approve changes to AWS',
      precedence: 0,
    });
    this.userPool.addGroup('UsersGroup', {
      groupName: props.groups.users,
      description: 'Cloud Engineer: may use the agent',
      precedence: 1,
    });
    const providers = addCompanyProviders(this, this.userPool, props.companyProviders ?? {});
    this.providerNames = providers.map((p) => p.providerName);
    const passwords = props.passwordSignIn ?? true;
    const callbacks = callbackUrls(props.extensionId, props.extraCallbackUrls);
    this.client = this.userPool.addClient('Extension', {
      userPoolClientName: 'cloud-engineer-extension',
      generateSecret: false,
      authFlows: { userPassword: passwords, userSrp: passwords },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: callbacks,
        logoutUrls: callbacks,
      },
      supportedIdentityProviders: [
        ...(passwords ? [cognito.UserPoolClientIdentityProvider.COGNITO] : []),
        ...providers.map((p) => cognito.UserPoolClientIdentityProvider.custom(p.providerName)),
      ],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    // The client names the providers, which must exist first.
    for (const provider of providers) this.client.node.addDependency(provider);
    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
    this.hostedUiDomain = `${this.domain.domainName}.auth.${Aws.REGION}.amazoncognito.com`;
  }
}

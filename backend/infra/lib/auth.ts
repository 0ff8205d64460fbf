/**
 * Sign-in for the team: a Cognito user pool an administrator fills (no self sign-up), a public app
 * client for the extension (password and SRP sign-in, refresh, and the hosted UI's authorization
 * code flow with PKCE back to the editor's URI), and the hosted-UI domain.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface AuthProps {
  /** `publisher.name` of the extension: its `vscode://<id>/auth` callback. */
  extensionId: string;
  domainPrefix: string;
  extraCallbackUrls: readonly string[];
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
  /** The hosted UI's host name, as the extension's `cloudEngineer.cognito.domain` wants it. */
  readonly hostedUiDomain: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.userPool = new cognito.UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
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
    const callbacks = callbackUrls(props.extensionId, props.extraCallbackUrls);
    this.client = this.userPool.addClient('Extension', {
      userPoolClientName: 'cloud-engineer-extension',
      generateSecret: false,
      authFlows: { userPassword: true, userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: callbacks,
        logoutUrls: callbacks,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    this.domain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
    });
    this.hostedUiDomain = `${this.domain.domainName}.auth.${Aws.REGION}.amazoncognito.com`;
  }
}

/**
 * cognito-local (npm) as the Cognito stand-in: real RS256 tokens with Cognito's claims. Also mints
 * the tokens a real pool would never hand out but an attacker could present: expired, re-issued
 * under another issuer, badly signed; each re-signed with cognito-local's own key where needed so
 * only the one property under test is wrong.
 */
import { createHmac, createPublicKey, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Child, freePort } from './process';

export interface TestUser {
  email: string;
  password: string;
}

export class CognitoLocal {
  userPoolId = '';
  clientId = '';
  otherClientId = '';
  private child?: Child;
  url = '';

  async start(): Promise<this> {
    const port = await freePort();
    const cwd = mkdtempSync(join(tmpdir(), 'cognito-local-'));
    this.child = Child.start(process.execPath, [require.resolve('cognito-local/lib/bin/start.js')], {
      cwd,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    });
    this.url = `http://127.0.0.1:${port}`;
    await this.child.waitFor(/Cognito Local running/i, 30_000);
    const pool = await this.call('CreateUserPool', { PoolName: 'test', UsernameAttributes: ['email'] });
    this.userPoolId = pool.UserPool.Id;
    this.clientId = (
      await this.call('CreateUserPoolClient', { UserPoolId: this.userPoolId, ClientName: 'extension' })
    ).UserPoolClient.ClientId;
    this.otherClientId = (
      await this.call('CreateUserPoolClient', { UserPoolId: this.userPoolId, ClientName: 'other' })
    ).UserPoolClient.ClientId;
    return this;
  }

  get issuer(): string {
    return `${this.url}/${this.userPoolId}`;
  }

  async stop(): Promise<void> {
    await this.child?.stop();
  }

  /**
   * As the README's administrator does: the e-mail verified (`verified: false`, as after a user
   * changed it and has not confirmed the code yet). The pool signs in by e-mail, so Cognito (and
   * cognito-local) give the user a generated username: the token's `username` is not the e-mail.
   */
  async createUser(
    email: string,
    password = 'Passw0rd!long',
    { verified = true }: { verified?: boolean } = {},
  ): Promise<TestUser> {
    await this.call('AdminCreateUser', {
      UserPoolId: this.userPoolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: String(verified) },
      ],
    });
    await this.call('AdminSetUserPassword', {
      UserPoolId: this.userPoolId,
      Username: email,
      Password: password,
      Permanent: true,
    });
    return { email, password };
  }

  async createGroup(name: string): Promise<void> {
    await this.call('CreateGroup', { UserPoolId: this.userPoolId, GroupName: name });
  }

  /** Takes effect in the next token: sign in again after. */
  async addToGroup(user: TestUser, group: string): Promise<void> {
    await this.call('AdminAddUserToGroup', {
      UserPoolId: this.userPoolId,
      Username: user.email,
      GroupName: group,
    });
  }

  /** AdminUpdateUserAttributes: what an administrator (or a federated sign-in) writes. */
  async setAttributes(user: TestUser, attributes: Record<string, string>): Promise<void> {
    await this.call('AdminUpdateUserAttributes', {
      UserPoolId: this.userPoolId,
      Username: user.email,
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    });
  }

  async removeFromGroup(user: TestUser, group: string): Promise<void> {
    await this.call('AdminRemoveUserFromGroup', {
      UserPoolId: this.userPoolId,
      Username: user.email,
      GroupName: group,
    });
  }

  async signIn(
    user: TestUser,
    clientId = this.clientId,
  ): Promise<{ AccessToken: string; IdToken: string; RefreshToken: string }> {
    const out = await this.call('InitiateAuth', {
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    });
    return out.AuthenticationResult;
  }

  async call(operation: string, body: unknown): Promise<any> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${operation}: ${JSON.stringify(json)}`);
    return json;
  }
}

/** Re-signs a token's claims with cognito-local's key after `change`: one property wrong at a time. */
export function resignToken(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  change(claims);
  const body = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const key = JSON.parse(
    readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8'),
  ).pem;
  const signature = createSign('RSA-SHA256').update(body).sign(key).toString('base64url');
  return `${body}.${signature}`;
}

/** Same claims, a signature that does not match them. */
export function tamperSignature(token: string): string {
  const [header, payload, signature] = token.split('.');
  const flipped = signature!.startsWith('A') ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`;
  return `${header}.${payload}.${flipped}`;
}

/** A token's claims, unverified: what a test compares the backend's answers with. */
export function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

let attacker: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

/** An RSA key pair of the attacker's own: never in the pool's JWKS. */
export function attackerKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return (attacker ??= generateKeyPairSync('rsa', { modulusLength: 2048 }));
}

/**
 * A token an attacker can make without the pool's key: the claims of a real token, changed, under
 * a header of their choosing, signed with their own RSA key (RS256), HMAC keyed with `hmacKey`
 * (HS256, the algorithm-confusion attack), or not at all (`alg: none`).
 */
export function forgeToken(
  token: string,
  change: (claims: Record<string, unknown>) => void,
  header: Record<string, unknown>,
  options: { hmacKey?: string | Buffer } = {},
): string {
  const claims = claimsOf(token);
  change(claims);
  const body = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  if (header.alg === 'none') return `${body}.`;
  const signature =
    header.alg === 'HS256'
      ? createHmac('sha256', options.hmacKey ?? '')
          .update(body)
          .digest()
      : createSign('RSA-SHA256').update(body).sign(attackerKey().privateKey);
  return `${body}.${signature.toString('base64url')}`;
}

/** cognito-local's public key as PEM text, for the algorithm-confusion attack (its HMAC secret). */
export function poolPublicKeyPem(): string {
  const { jwk } = JSON.parse(
    readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.public.json'), 'utf8'),
  );
  return createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
}

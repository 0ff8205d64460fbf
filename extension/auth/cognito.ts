/** Cognito user-pool calls: password sign-in and refresh (InitiateAuth), the SDK loaded on first use. */
import { loadAws } from '../aws/load';
import { tokensFrom, type Tokens } from './tokens';

export interface CognitoOptions {
  userPoolId: string;
  clientId: string;
  /** An emulator's endpoint (cognito-local); production uses the pool's region. */
  endpoint?: string;
}

export class SignInError extends Error {
  override readonly name = 'SignInError';
}

export function poolRegion(userPoolId: string): string {
  return userPoolId.split('_')[0] || 'us-east-1';
}

async function client(options: CognitoOptions) {
  const sdk = await loadAws();
  return {
    sdk,
    client: new sdk.CognitoIdentityProviderClient({
      region: poolRegion(options.userPoolId),
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      // InitiateAuth is unsigned; no AWS credentials are needed or sent.
      credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    }),
  };
}

export async function passwordSignIn(
  options: CognitoOptions,
  username: string,
  password: string,
): Promise<Tokens> {
  const out = await initiateAuth(options, 'USER_PASSWORD_AUTH', { USERNAME: username, PASSWORD: password });
  if (out.ChallengeName) {
    throw new SignInError(
      `Cognito asks for ${out.ChallengeName}, which this sign-in does not support yet; use the hosted UI (cloudEngineer.cognito.domain).`,
    );
  }
  return tokensFrom(out.AuthenticationResult ?? {});
}

export async function refreshTokens(options: CognitoOptions, previous: Tokens): Promise<Tokens> {
  if (!previous.refreshToken) throw new SignInError('No refresh token: sign in again.');
  const out = await initiateAuth(options, 'REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: previous.refreshToken });
  return tokensFrom(out.AuthenticationResult ?? {}, previous);
}

async function initiateAuth(
  options: CognitoOptions,
  flow: 'USER_PASSWORD_AUTH' | 'REFRESH_TOKEN_AUTH',
  parameters: Record<string, string>,
) {
  const { sdk, client: cognito } = await client(options);
  try {
    return await cognito.send(
      new sdk.InitiateAuthCommand({ AuthFlow: flow, ClientId: options.clientId, AuthParameters: parameters }),
    );
  } catch (error) {
    throw describe(error);
  } finally {
    cognito.destroy();
  }
}

function describe(error: unknown): Error {
  if (error instanceof SignInError) return error;
  const name = (error as { name?: string }).name ?? '';
  // Cognito says NotAuthorized; emulators (cognito-local) say InvalidPassword for the same thing.
  if (name === 'NotAuthorizedException' || name === 'InvalidPasswordException') {
    return new SignInError('Incorrect username or password, or the session expired.');
  }
  if (name === 'UserNotFoundException') return new SignInError('No such user in this user pool.');
  if (name === 'UserNotConfirmedException') return new SignInError('This user is not confirmed yet.');
  if (name === 'PasswordResetRequiredException')
    return new SignInError('A password reset is required for this user.');
  return new SignInError(`Cognito sign-in failed (${name || 'network error'}).`);
}

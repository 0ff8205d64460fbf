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
  override readonly name: string = 'SignInError';
}

/** Cognito refused the refresh token (revoked, expired, another pool): only a new sign-in helps. */
export class RefreshRejectedError extends SignInError {
  override readonly name = 'RefreshRejectedError';
}

/** Cognito did not answer (offline, DNS, a proxy): the tokens stay; try again later. */
export class CognitoUnreachableError extends SignInError {
  override readonly name = 'CognitoUnreachableError';
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
  try {
    const out = await initiateAuth(options, 'REFRESH_TOKEN_AUTH', { REFRESH_TOKEN: previous.refreshToken });
    return tokensFrom(out.AuthenticationResult ?? {}, previous);
  } catch (error) {
    throw refreshFailure(error);
  }
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
    throw Object.assign(describe(error), { awsName: (error as { name?: string }).name ?? '' });
  } finally {
    cognito.destroy();
  }
}

/**
 * Only Cognito's NotAuthorized says the refresh token itself is bad; anything else (no network, a
 * throttle, a 5xx) leaves the sign-in as it is.
 */
function refreshFailure(error: unknown): SignInError {
  const name = (error as { awsName?: string }).awsName ?? '';
  if (name === 'NotAuthorizedException')
    return new RefreshRejectedError('Cognito no longer accepts this sign-in.', { cause: error });
  return new CognitoUnreachableError(`Cognito did not refresh the sign-in (${name || 'network error'}).`, {
    cause: error,
  });
}

const WRONG_PASSWORD = 'Incorrect username or password.';

/** The password (or username) was wrong: worth asking for the password again. */
export function isWrongPassword(error: SignInError): boolean {
  return error.message === WRONG_PASSWORD;
}

function describe(error: unknown): Error {
  if (error instanceof SignInError) return error;
  const name = (error as { name?: string }).name ?? '';
  // Cognito says NotAuthorized; emulators (cognito-local) say InvalidPassword for the same thing.
  if (name === 'NotAuthorizedException' || name === 'InvalidPasswordException') {
    return new SignInError(WRONG_PASSWORD);
  }
  if (name === 'UserNotFoundException') return new SignInError('No such user in this user pool.');
  if (name === 'UserNotConfirmedException') return new SignInError('This user is not confirmed yet.');
  if (name === 'PasswordResetRequiredException')
    return new SignInError('A password reset is required for this user.');
  return new SignInError(`Cognito sign-in failed (${name || 'network error'}).`);
}

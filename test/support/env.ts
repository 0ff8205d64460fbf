/** The process environment for one suite, put back as it was after; and what hosts are configured with. */
import type { CognitoLocal } from './cognito';

type Vars = Record<string, string | undefined>;

/** Keys the AWS SDK's default credential chain finds first; the fakes accept any signature. */
export const FAKE_AWS_KEYS = { AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'test' };

/** A host's sign-in settings for cognito-local's user pool (its API is reached at its issuer). */
export const cognitoHostEnv = (cognito: CognitoLocal) => ({
  AUTH_MODE: 'cognito',
  COGNITO_USER_POOL_ID: cognito.userPoolId,
  COGNITO_CLIENT_ID: cognito.clientId,
  COGNITO_ISSUER: cognito.issuer,
});

/**
 * Sets `vars` in a `before` hook of the enclosing suite (in order with its other hooks; a function
 * is read then, e.g. for a fake's URL), deletes those given as undefined, and restores the whole
 * environment in an `after` hook.
 */
export function useEnv(vars: Vars | (() => Vars)): void {
  let saved: NodeJS.ProcessEnv | undefined;
  before(() => {
    saved = { ...process.env };
    for (const [name, value] of Object.entries(typeof vars === 'function' ? vars() : vars)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  after(() => {
    if (saved) process.env = saved;
  });
}

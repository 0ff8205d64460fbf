/**
 * Where a mutating call will run, as its approval card states it: the AWS account of the
 * credentials the tools use (STS GetCallerIdentity, looked up once per credentials) and the region
 * of the call. A failed look-up says "unknown account" rather than holding the approval back.
 */
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { ApprovalTarget } from '../../protocol';
import type { ToolContext } from '../tools/types';

export const UNKNOWN_ACCOUNT = 'unknown account';
/** An approval is not held up longer than this by the account look-up. */
const LOOKUP_MS = 5000;

const byProvider = new WeakMap<AwsCredentialIdentityProvider, Promise<string>>();
/** The SDK's default chain (no explicit credentials): one account per process. */
let defaultChain: Promise<string> | undefined;

/** The account id of `credentials` (the default chain when absent); only successes are kept. */
export function callerAccount(
  credentials: AwsCredentialIdentityProvider | undefined,
  region: string,
): Promise<string> {
  const cached = credentials ? byProvider.get(credentials) : defaultChain;
  if (cached) return cached;
  const lookup = lookUp(credentials, region);
  if (credentials) byProvider.set(credentials, lookup);
  else defaultChain = lookup;
  // A failure is not remembered: the next approval asks again (credentials may have been fixed).
  void lookup.catch(() => {
    if (credentials) byProvider.delete(credentials);
    else if (defaultChain === lookup) defaultChain = undefined;
  });
  return lookup;
}

async function lookUp(credentials: AwsCredentialIdentityProvider | undefined, region: string) {
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({ region, maxAttempts: 1, ...(credentials ? { credentials } : {}) });
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(LOOKUP_MS),
    });
    if (!out.Account || !/^\d{12}$/.test(out.Account)) throw new Error('no account id');
    return out.Account;
  } finally {
    sts.destroy();
  }
}

/** The account (when the context can look it up) and the region the call names or the default. */
export async function approvalTarget(input: unknown, context: ToolContext): Promise<ApprovalTarget> {
  const named = (input as { region?: unknown } | null)?.region;
  const region = typeof named === 'string' && named ? named : context.region;
  const account = context.callerAccount
    ? await context.callerAccount().catch(() => UNKNOWN_ACCOUNT)
    : UNKNOWN_ACCOUNT;
  return { account, region };
}

/**
 * Who local mode acts as: the account (STS GetCallerIdentity), profile and region, read through the
 * lazily loaded AWS half. No `vscode`. A failed lookup says why in a word the status bar can show.
 */
import { loadAws } from '../aws/load';
import { effectiveRegion, listProfiles, type ProfileInfo, type SharedFiles } from './profiles';

export interface LocalIdentity {
  profile: string;
  region: string;
  account?: string;
  /** Why the account is unknown: no credentials, an expired SSO sign-in, or another failure. */
  problem?: 'no_credentials' | 'sso_expired' | 'failed';
  /** The profile signs in through IAM Identity Center. */
  sso: boolean;
}

const LOOKUP_TIMEOUT_MS = 8000;

export async function sharedFiles(): Promise<SharedFiles> {
  const aws = await loadAws();
  // Read fresh: the user may have just run `aws configure` or `aws sso login`.
  return aws.loadSharedConfigFiles({ ignoreCache: true });
}

export async function lookUpIdentity(settings: { profile: string; region: string }): Promise<LocalIdentity> {
  const profile = settings.profile || process.env.AWS_PROFILE || 'default';
  let info: ProfileInfo | undefined;
  try {
    info = (await listProfiles(sharedFiles)).find((p) => p.name === profile);
  } catch {
    info = undefined;
  }
  const region = effectiveRegion(settings.region, info?.region);
  const base = { profile, region, sso: info?.sso ?? false };
  try {
    const aws = await loadAws();
    const sts = new aws.STSClient({
      region,
      maxAttempts: 1,
      credentials: aws.fromNodeProviderChain(settings.profile ? { profile: settings.profile } : {}),
    });
    try {
      const out = await sts.send(new aws.GetCallerIdentityCommand({}), {
        abortSignal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
      });
      return out.Account ? { ...base, account: out.Account } : { ...base, problem: 'failed' };
    } finally {
      sts.destroy();
    }
  } catch (error) {
    return { ...base, problem: classify(error, base.sso) };
  }
}

/**
 * The regions enabled for the profile's account (EC2 DescribeRegions without opt-in regions that
 * are off), or undefined when that cannot be read (no credentials, no permission, offline).
 */
export async function enabledRegions(settings: {
  profile: string;
  region: string;
}): Promise<string[] | undefined> {
  try {
    const aws = await loadAws();
    const ec2 = new aws.EC2Client({
      region: settings.region || effectiveRegion('', undefined),
      maxAttempts: 1,
      credentials: aws.fromNodeProviderChain(settings.profile ? { profile: settings.profile } : {}),
    });
    try {
      const out = await ec2.send(new aws.DescribeRegionsCommand({ AllRegions: false }), {
        abortSignal: AbortSignal.timeout(LOOKUP_TIMEOUT_MS),
      });
      const names = (out.Regions ?? []).map((r) => r.RegionName).filter((r): r is string => Boolean(r));
      return names.length ? names : undefined;
    } finally {
      ec2.destroy();
    }
  } catch {
    return undefined;
  }
}

/** The reason in one word; never the error's text (it can carry paths or token details). */
export function classify(error: unknown, sso: boolean): NonNullable<LocalIdentity['problem']> {
  const e = error as { name?: string; message?: string } | undefined;
  const text = `${e?.name ?? ''} ${e?.message ?? ''}`;
  if (/sso|token.*(expired|refresh)|expired.*token/i.test(text) && (sso || /sso/i.test(text)))
    return 'sso_expired';
  if (e?.name === 'CredentialsProviderError' || /could not load credentials/i.test(text))
    return 'no_credentials';
  return 'failed';
}

/** The status bar's text: "$(cloud) 123456789012 · dev · eu-west-1". */
export function identityText(id: LocalIdentity): string {
  const who =
    id.account ??
    (id.problem === 'sso_expired'
      ? 'SSO sign-in expired'
      : id.problem === 'no_credentials'
        ? 'no credentials'
        : 'account unknown');
  return `${who} · ${id.profile} · ${id.region}`;
}

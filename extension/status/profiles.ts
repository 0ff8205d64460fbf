/**
 * The AWS profiles in the user's shared config and credentials files, for Select AWS Profile and
 * Region…. Pure over what `loadSharedConfigFiles` returns (injected), so it is unit-tested with
 * temporary files; no `vscode`.
 */

type Section = Record<string, string | undefined>;
export interface SharedFiles {
  configFile: Record<string, Section>;
  credentialsFile: Record<string, Section>;
}

export interface ProfileInfo {
  name: string;
  /** Signs in through IAM Identity Center (sso_session or sso_start_url). */
  sso: boolean;
  region?: string;
  /** Where it is defined: config, credentials, or both. */
  source: 'config' | 'credentials' | 'both';
}

/** Sections of ~/.aws/config that are not profiles (`[sso-session x]`, `[services x]`). */
const NOT_PROFILES = /^(sso-session|services)\./;

/** Every profile, `default` first, then by name; a name in both files is listed once. */
export async function listProfiles(load: () => Promise<SharedFiles>): Promise<ProfileInfo[]> {
  const { configFile, credentialsFile } = await load();
  const byName = new Map<string, ProfileInfo>();
  for (const [name, section] of Object.entries(configFile ?? {})) {
    if (NOT_PROFILES.test(name) || !isProfileName(name)) continue;
    byName.set(name, {
      name,
      sso: Boolean(section?.sso_session || section?.sso_start_url),
      ...(validRegion(section?.region) ? { region: section!.region!.trim() } : {}),
      source: 'config',
    });
  }
  for (const name of Object.keys(credentialsFile ?? {})) {
    if (!isProfileName(name)) continue;
    const known = byName.get(name);
    byName.set(name, known ? { ...known, source: 'both' } : { name, sso: false, source: 'credentials' });
  }
  return [...byName.values()].sort((a, b) =>
    a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name),
  );
}

/**
 * A name the settings and a shell command can carry as is: what the AWS CLI accepts in practice.
 * Anything else (spaces, quotes, `$(…)`, newlines) is left out rather than escaped.
 */
export function isProfileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.@+=,-]{0,127}$/.test(name);
}

/** A region code as AWS spells them (us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1). */
export function validRegion(region: string | undefined): boolean {
  return typeof region === 'string' && /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}$/.test(region.trim());
}

/**
 * The regions to offer, in order: the current one, the profile's, then the account's enabled
 * regions when they could be read (else the commercial list), each once and each a valid code.
 */
export function regionChoices(
  current: string | undefined,
  profileRegion: string | undefined,
  enabled: readonly string[] | undefined,
): string[] {
  const rest = enabled ? [...enabled].sort() : REGIONS;
  return [...new Set([current, profileRegion, ...rest].filter((r): r is string => validRegion(r)))];
}

/** The commercial regions offered in the pick (one a user has in a profile is offered too). */
export const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'ca-west-1',
  'mx-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-7',
] as const;

/** The region the agent acts in: the setting, the profile's, AWS_REGION, then us-east-1 (as local mode does). */
export function effectiveRegion(
  setting: string,
  profileRegion: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return setting || profileRegion || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

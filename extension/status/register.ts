/**
 * Local mode's AWS identity in the status bar (account, profile, region), and Select AWS Profile and
 * Region…. Deployed modes need neither: the connection's own status item names the backend and the
 * signed-in user, and the backend's role decides the account.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../common/ids';
import { log } from '../common/log';
import { readSettings, SECTION, SETTINGS } from '../common/settings';
import { leftStatusItem } from '../common/status-item';
import type { ConnectionManager } from '../connection/manager';
import { enabledRegions, identityText, lookUpIdentity, sharedFiles, type LocalIdentity } from './identity';
import { isProfileName, listProfiles, regionChoices } from './profiles';

/** Long enough that activation never waits on the AWS half. */
const FIRST_LOOKUP_DELAY_MS = 1500;

export function registerStatus(context: vscode.ExtensionContext, connections: ConnectionManager): void {
  const item = leftStatusItem(
    'cloudEngineer.awsIdentity',
    49,
    'Cloud Engineer: AWS Account and Region',
    COMMANDS.selectProfileAndRegion,
  );
  let current: LocalIdentity | undefined;
  let generation = 0;

  const update = async () => {
    const settings = readSettings();
    const mine = ++generation;
    if (settings.mode !== 'local') {
      item.hide();
      return;
    }
    item.text = `$(loading~spin) ${settings.profile || 'default'} · ${settings.region || '…'}`;
    item.tooltip = 'Cloud Engineer: looking up the AWS account…';
    item.show();
    const identity = await lookUpIdentity(settings);
    if (mine !== generation) return; // settings changed meanwhile: a newer lookup is on its way
    current = identity;
    item.text = `$(${identity.account ? 'cloud' : 'warning'}) ${identityText(identity)}`;
    item.tooltip = new vscode.MarkdownString(
      [
        '**Where the local agent acts**',
        '',
        `Account: ${identity.account ?? 'unknown'}`,
        `Profile: ${identity.profile}${identity.sso ? ' (SSO)' : ''}`,
        `Region: ${identity.region}`,
        '',
        'Click to select another profile and region.',
      ].join('\n\n'),
    );
    item.tooltip.supportThemeIcons = false;
    if (identity.problem) log().info(`aws identity: ${identity.problem} for profile ${identity.profile}`);
  };

  const timer = setTimeout(() => void update(), FIRST_LOOKUP_DELAY_MS);
  context.subscriptions.push(
    item,
    { dispose: () => clearTimeout(timer) },
    connections.onDidChange(() => void update()),
    vscode.commands.registerCommand(COMMANDS.selectProfileAndRegion, async () => {
      if (current?.problem === 'sso_expired') {
        const next = await offerSsoLogin(current.profile, () => void update());
        if (next === 'checkAgain') return void update();
        if (next !== 'select') return;
      }
      if (!(await selectProfileAndRegion())) return;
      await update();
      if (current?.problem === 'sso_expired') {
        const next = await offerSsoLogin(current.profile, () => void update());
        if (next === 'checkAgain') await update();
      }
    }),
  );
}

/** Returns true when the settings changed. */
async function selectProfileAndRegion(): Promise<boolean> {
  const settings = readSettings();
  let profiles: Awaited<ReturnType<typeof listProfiles>> = [];
  try {
    profiles = await listProfiles(sharedFiles);
  } catch (error) {
    log().warn(`aws profiles: ${(error as Error).message}`);
  }
  type ProfilePick = vscode.QuickPickItem & { profile: string; region?: string };
  const chain: ProfilePick = {
    label: '$(key) Default credential chain',
    description: 'environment variables, AWS_PROFILE, the default profile',
    profile: '',
  };
  const picks: ProfilePick[] = [
    chain,
    ...profiles.map((p) => ({
      label: `${p.sso ? '$(organization)' : '$(account)'} ${p.name}`,
      description: [p.sso ? 'SSO' : '', p.region ?? '', p.source === 'credentials' ? 'credentials file' : '']
        .filter(Boolean)
        .join(' · '),
      profile: p.name,
      ...(p.region ? { region: p.region } : {}),
      picked: p.name === settings.profile,
    })),
  ];
  const profile = await vscode.window.showQuickPick(picks, {
    title: 'Select AWS Profile (1/2)',
    placeHolder: profiles.length
      ? `Now: ${settings.profile || 'default credential chain'}`
      : 'No profiles in ~/.aws/config or ~/.aws/credentials: run "aws configure" or "aws configure sso"',
    matchOnDescription: true,
  });
  if (!profile) return false;

  type RegionPick = vscode.QuickPickItem & { region: string };
  const enabled = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'Reading the account’s enabled regions…' },
    () => enabledRegions({ profile: profile.profile, region: profile.region ?? settings.region }),
  );
  const regions: RegionPick[] = [
    {
      label: profile.region
        ? `$(account) The profile's region (${profile.region})`
        : '$(globe) The default region',
      description: profile.region ? '' : 'AWS_REGION, else us-east-1',
      region: '',
    },
    ...regionChoices(settings.region, profile.region, enabled).map((r) => ({
      label: r,
      region: r,
      ...(r === settings.region ? { description: 'now' } : {}),
    })),
  ];
  const region = await vscode.window.showQuickPick(regions, {
    title: 'Select AWS Region (2/2)',
    placeHolder: enabled
      ? 'The regions enabled in this account'
      : 'Commercial regions (the account’s enabled regions could not be read)',
  });
  if (!region) return false;

  const config = vscode.workspace.getConfiguration(SECTION);
  const target = (key: string) =>
    config.inspect(key)?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await config.update(SETTINGS.profile, profile.profile, target(SETTINGS.profile));
  await config.update(SETTINGS.region, region.region, target(SETTINGS.region));
  return true;
}

/**
 * An SSO profile whose sign-in expired: `aws sso login` in a terminal, the way the AWS CLI does it;
 * the lookup runs again once that terminal closes. Undefined when the user dismissed the question.
 */
async function offerSsoLogin(
  profile: string,
  onSignedIn: () => void,
): Promise<'signIn' | 'checkAgain' | 'select' | undefined> {
  const SIGN_IN = 'Sign In with AWS SSO';
  const options = isProfileName(profile)
    ? [SIGN_IN, 'Check Again', 'Select Another…']
    : ['Check Again', 'Select Another…'];
  const choice = await vscode.window.showWarningMessage(
    `The AWS SSO sign-in of profile "${profile}" has expired.`,
    ...options,
  );
  if (choice === 'Check Again') return 'checkAgain';
  if (choice === 'Select Another…') return 'select';
  if (choice !== SIGN_IN) return undefined;
  const terminal = vscode.window.createTerminal({ name: 'AWS SSO Login' });
  terminal.show();
  // The name matched isProfileName: no quoting or shell characters can ride along.
  // A successful sign-in closes the terminal, and that looks the account up again.
  terminal.sendText(`aws sso login --profile ${profile} && exit`);
  const closed = vscode.window.onDidCloseTerminal((t) => {
    if (t !== terminal) return;
    closed.dispose();
    onSignedIn();
  });
  return 'signIn';
}

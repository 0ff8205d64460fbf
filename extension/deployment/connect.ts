/**
 * Connect to Deployment…: the outputs file `npm run deploy` wrote, to the extension's settings,
 * then an offer to sign in. The editor is injected (`ConnectUi`), so the flow is unit-tested.
 */
import type { SETTINGS } from '../common/settings';
import {
  DeploymentOutputsError,
  isCognitoHostedUi,
  isFunctionUrl,
  parseDeploymentOutputs,
  settingsFor,
  type Deployment,
} from './outputs';

export interface ConnectUi<File> {
  /** `backend/infra/cdk-outputs.json` in an open workspace folder, if there is one. */
  defaultFile(): Promise<File | undefined>;
  /** Use the found file, or browse for another; undefined: cancelled. */
  confirmDefault(file: File): Promise<'use' | 'browse' | undefined>;
  /** An open-file dialog for JSON files. */
  browse(): Promise<File | undefined>;
  read(file: File): Promise<string>;
  /** Several deployments in one file (both shapes deployed): which one. */
  pickDeployment(deployments: Deployment[]): Promise<Deployment | undefined>;
  /** A sign-in page that is not Cognito's own domain: true when the user trusts it. */
  confirmDomain(host: string): Promise<boolean>;
  /** A backend that is not a Lambda Function URL (it would get the token): true when the user trusts it. */
  confirmBackend(host: string): Promise<boolean>;
  /**
   * Into the user's settings, always: where the extension connects and signs in is application-scoped
   * (package.json), so a repository's workspace settings can never redirect a token or a password.
   */
  update(setting: keyof typeof SETTINGS, value: string): Promise<void>;
  /** Says what was connected and offers Sign In; true when the user takes it. */
  offerSignIn(deployment: Deployment): Promise<boolean>;
  signIn(): Promise<void>;
  error(message: string): void;
}

/** The deployment connected to, or undefined when cancelled or the file was refused. */
export async function connectToDeployment<File>(ui: ConnectUi<File>): Promise<Deployment | undefined> {
  const found = await ui.defaultFile();
  let file: File | undefined;
  if (found !== undefined) {
    const choice = await ui.confirmDefault(found);
    if (!choice) return undefined;
    file = choice === 'use' ? found : await ui.browse();
  } else {
    file = await ui.browse();
  }
  if (file === undefined) return undefined;

  let deployments: Deployment[];
  try {
    deployments = parseDeploymentOutputs(await ui.read(file));
  } catch (error) {
    ui.error(
      error instanceof DeploymentOutputsError
        ? error.message
        : `Could not read the outputs file: ${(error as Error).message}`,
    );
    return undefined;
  }
  const deployment = deployments.length === 1 ? deployments[0] : await ui.pickDeployment(deployments);
  if (!deployment) return undefined;
  if (deployment.domain && !isCognitoHostedUi(deployment.domain, deployment.region)) {
    if (!(await ui.confirmDomain(deployment.domain))) return undefined;
  }
  if (deployment.url && !isFunctionUrl(deployment.url, deployment.region)) {
    if (!(await ui.confirmBackend(new URL(deployment.url).host))) return undefined;
  }
  // The mode last: the connection is rebuilt on each change, and only the last one is complete.
  const updates = settingsFor(deployment);
  for (const [setting, value] of [
    ...updates.filter(([s]) => s !== 'mode'),
    ...updates.filter(([s]) => s === 'mode'),
  ])
    await ui.update(setting, value);
  if (await ui.offerSignIn(deployment)) await ui.signIn();
  return deployment;
}

/**
 * Cognito sign-in as a VS Code authentication provider, so the account shows in the Accounts menu.
 * Username and password through input boxes, or the hosted UI (authorization code with PKCE) when
 * a domain is configured. Tokens live only in SecretStorage.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/disposable';
import { AUTH_PROVIDER_ID } from '../common/ids';
import { log } from '../common/log';
import { readSettings, type Settings } from '../common/settings';
import { ConnectionError } from '../connection/types';
import {
  isWrongPassword,
  passwordSignIn,
  RefreshRejectedError,
  refreshTokens,
  SignInError,
  type CognitoOptions,
} from './cognito';
import { authorizeUrl, createPkce, exchangeCode } from './pkce';
import { needsRefresh, refreshDelay, refreshTokenExpiring, SingleFlight, type Tokens } from './tokens';

const HOSTED_UI_TIMEOUT_MS = 5 * 60_000;
const MAX_PASSWORD_ATTEMPTS = 5;
const OFFLINE_RETRY_MIN_MS = 30_000;
const OFFLINE_RETRY_MAX_MS = 5 * 60_000;

export class CognitoAuthProvider
  extends Disposable
  implements vscode.AuthenticationProvider, vscode.UriHandler
{
  private readonly changed = this._register(
    new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>(),
  );
  readonly onDidChangeSessions = this.changed.event;
  private readonly statusChanged = this._register(new vscode.EventEmitter<void>());
  /** Fires when Cognito stops or starts answering refreshes (the status bar says "offline, retrying"). */
  readonly onDidChangeStatus = this.statusChanged.event;
  /** The last refresh could not reach Cognito: the tokens are kept and the refresh is retried. */
  private offlineSince: number | undefined;
  private readonly refreshing = new SingleFlight<Tokens | undefined>();
  private timer: NodeJS.Timeout | undefined;
  private warned = false;
  private pendingCode: { state: string; resolve: (code: string) => void } | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly settings: () => Settings = readSettings,
  ) {
    super();
    this._register({ dispose: () => clearTimeout(this.timer) });
    void this.load().then((tokens) => tokens && this.schedule(tokens));
  }

  /** Whether a user pool is configured at all (else there is nothing to sign in to). */
  get configured(): boolean {
    const s = this.settings();
    return Boolean(s.userPoolId && s.clientId);
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const tokens = await this.load();
    return tokens ? [toSession(tokens)] : [];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    const tokens = await this.signIn();
    if (!tokens) throw new Error('Sign-in was cancelled.');
    return toSession(tokens);
  }

  async removeSession(): Promise<void> {
    await this.signOut();
  }

  /** Signs in interactively; undefined when the user cancels. */
  async signIn(): Promise<Tokens | undefined> {
    const options = this.cognitoOptions();
    const settings = this.settings();
    const tokens = settings.domain
      ? await this.hostedUi(settings, options)
      : await this.passwordFlow(options);
    if (!tokens) return undefined;
    const previous = await this.load();
    await this.store(tokens);
    this.changed.fire({
      added: [toSession(tokens)],
      removed: previous ? [toSession(previous)] : [],
      changed: [],
    });
    // The fact, not the address: the log is shared in bug reports.
    log().info('signed in to Cognito');
    return tokens;
  }

  async signOut(): Promise<void> {
    const previous = await this.load();
    clearTimeout(this.timer);
    await this.context.secrets.delete(this.secretKey());
    if (previous) this.changed.fire({ added: [], removed: [toSession(previous)], changed: [] });
    log().info('signed out of Cognito');
  }

  /** A current access token for a request, refreshed first if it is about to expire. */
  async accessToken(): Promise<string | undefined> {
    const tokens = await this.load();
    if (!tokens) return undefined;
    if (!needsRefresh(tokens, Date.now())) return tokens.accessToken;
    return (await this.refresh())?.accessToken;
  }

  async currentLabel(): Promise<string | undefined> {
    return (await this.load())?.label;
  }

  /** True while refreshes cannot reach Cognito (the sign-in is kept). */
  get offline(): boolean {
    return this.offlineSince !== undefined;
  }

  handleUri(uri: vscode.Uri): void {
    const params = new URLSearchParams(uri.query);
    if (this.pendingCode && params.get('state') === this.pendingCode.state && params.get('code')) {
      this.pendingCode.resolve(params.get('code')!);
    }
  }

  private refresh(): Promise<Tokens | undefined> {
    return this.refreshing.run(async () => {
      const current = await this.load();
      if (!current) return undefined;
      try {
        const next = await refreshTokens(this.cognitoOptions(), current);
        this.setOffline(false);
        await this.store(next);
        this.changed.fire({ added: [], removed: [], changed: [toSession(next)] });
        return next;
      } catch (error) {
        log().warn(`token refresh failed: ${(error as Error).message}`);
        if (!(error instanceof RefreshRejectedError)) {
          // Offline or Cognito busy: keep the sign-in, try again soon.
          this.setOffline(true);
          this.retryLater();
          throw new ConnectionError(
            'unreachable',
            'Cannot reach Cognito to refresh the sign-in (offline, retrying).',
            {
              cause: error,
            },
          );
        }
        this.setOffline(false);
        await this.signOut();
        void vscode.window
          .showWarningMessage('Your Cloud Engineer sign-in expired.', 'Sign In')
          .then((pick) => pick && this.signIn());
        return undefined;
      }
    });
  }

  private setOffline(offline: boolean): void {
    if (offline === this.offline) return;
    this.offlineSince = offline ? Date.now() : undefined;
    this.statusChanged.fire();
  }

  /** Another refresh while offline, backing off from 30 s to 5 minutes. */
  private retryLater(): void {
    clearTimeout(this.timer);
    const waited = Date.now() - (this.offlineSince ?? Date.now());
    const delay = Math.min(OFFLINE_RETRY_MAX_MS, Math.max(OFFLINE_RETRY_MIN_MS, waited));
    this.timer = setTimeout(
      () =>
        void this.refresh().then(
          (t) => t && this.schedule(t),
          () => {}, // retried again by retryLater
        ),
      delay,
    );
  }

  private schedule(tokens: Tokens): void {
    clearTimeout(this.timer);
    if (!tokens.refreshToken) return;
    this.timer = setTimeout(
      () =>
        void this.refresh().then(
          (t) => t && this.schedule(t),
          () => {}, // offline: retryLater has set the next attempt
        ),
      refreshDelay(tokens, Date.now()),
    );
    if (!this.warned && refreshTokenExpiring(tokens, Date.now())) {
      this.warned = true;
      void vscode.window
        .showWarningMessage(
          'Your Cloud Engineer sign-in ends within 3 days; sign in again to keep working.',
          'Sign In',
        )
        .then((pick) => pick && this.signIn());
    }
  }

  /** Username once, then the password until it is right (a wrong one is said, not a restart). */
  private async passwordFlow(options: CognitoOptions): Promise<Tokens | undefined> {
    const username = (
      await vscode.window.showInputBox({
        title: 'Cloud Engineer: Sign In (1/2)',
        prompt: 'Cognito username or e-mail',
        ignoreFocusOut: true,
      })
    )?.trim();
    if (!username) return undefined;
    let problem: string | undefined;
    for (let attempt = 1; attempt <= MAX_PASSWORD_ATTEMPTS; attempt++) {
      const password = await vscode.window.showInputBox({
        title: 'Cloud Engineer: Sign In (2/2)',
        prompt: problem ? `${problem} Password for ${username}` : `Password for ${username}`,
        password: true,
        ignoreFocusOut: true,
        ...(problem
          ? {
              validateInput: (value: string) =>
                value ? undefined : { message: problem!, severity: vscode.InputBoxValidationSeverity.Error },
            }
          : {}),
      });
      if (!password) return undefined;
      try {
        return await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Signing in to Cognito…' },
          () => passwordSignIn(options, username, password),
        );
      } catch (error) {
        log().warn(`sign-in failed: ${(error as Error).message}`);
        if (!(error instanceof SignInError && isWrongPassword(error))) {
          void vscode.window
            .showErrorMessage(error instanceof SignInError ? error.message : 'Sign-in failed.', 'Show Logs')
            .then((pick) => pick && log().show());
          return undefined;
        }
        problem = error.message;
      }
    }
    void vscode.window.showErrorMessage(`Sign-in failed ${MAX_PASSWORD_ATTEMPTS} times: ${problem ?? ''}`);
    return undefined;
  }

  private async hostedUi(settings: Settings, options: CognitoOptions): Promise<Tokens | undefined> {
    const pkce = createPkce();
    const callback = await vscode.env.asExternalUri(
      vscode.Uri.parse(`${vscode.env.uriScheme}://${this.context.extension.id}/auth`),
    );
    const redirectUri = callback.toString(true);
    let authorize: string;
    try {
      // Straight to the company's provider when the deployment has one.
      authorize = authorizeUrl(
        settings.domain,
        options.clientId,
        redirectUri,
        pkce.challenge,
        pkce.state,
        settings.identityProvider,
      );
    } catch (error) {
      void vscode.window.showErrorMessage(`Sign-in failed: ${(error as Error).message}`);
      return undefined;
    }
    const code = new Promise<string>((resolve, reject) => {
      this.pendingCode = { state: pkce.state, resolve };
      setTimeout(() => reject(new Error('The hosted sign-in timed out.')), HOSTED_UI_TIMEOUT_MS).unref?.();
    });
    // A string, not `Uri.parse(…)`: a Uri's query is decoded and loosely re-encoded on the way to
    // the browser (`%26` would become `&`); the editor opens a string exactly as built.
    await vscode.env.openExternal(authorize as unknown as vscode.Uri);
    try {
      return await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'Finish signing in in your browser…',
          cancellable: true,
        },
        async (_progress, cancel) =>
          exchangeCode(
            settings.domain,
            options.clientId,
            await Promise.race([
              code,
              new Promise<never>((_, reject) =>
                cancel.onCancellationRequested(() => reject(new Error('cancelled'))),
              ),
            ]),
            pkce.verifier,
            redirectUri,
          ),
      );
    } catch (error) {
      if ((error as Error).message !== 'cancelled')
        void vscode.window.showErrorMessage(`Sign-in failed: ${(error as Error).message}`);
      return undefined;
    } finally {
      this.pendingCode = undefined;
    }
  }

  private cognitoOptions(): CognitoOptions {
    const s = this.settings();
    if (!s.userPoolId || !s.clientId)
      throw new SignInError('Set cloudEngineer.cognito.userPoolId and cloudEngineer.cognito.clientId first.');
    return {
      userPoolId: s.userPoolId,
      clientId: s.clientId,
      ...(s.cognitoEndpoint ? { endpoint: s.cognitoEndpoint } : {}),
    };
  }

  /** One secret per pool and client, so switching backends never sends a token to the wrong one. */
  private secretKey(): string {
    const s = this.settings();
    return `cloudEngineer.tokens:${s.userPoolId}:${s.clientId}`;
  }

  private async load(): Promise<Tokens | undefined> {
    if (!this.configured) return undefined;
    const raw = await this.context.secrets.get(this.secretKey());
    try {
      return raw ? (JSON.parse(raw) as Tokens) : undefined;
    } catch {
      return undefined;
    }
  }

  private async store(tokens: Tokens): Promise<void> {
    await this.context.secrets.store(this.secretKey(), JSON.stringify(tokens));
    this.schedule(tokens);
  }
}

function toSession(tokens: Tokens): vscode.AuthenticationSession {
  return {
    id: tokens.sub,
    accessToken: tokens.accessToken,
    account: { id: tokens.sub, label: tokens.label },
    scopes: [],
  };
}

export function registerAuth(context: vscode.ExtensionContext): CognitoAuthProvider {
  const provider = new CognitoAuthProvider(context);
  context.subscriptions.push(
    provider,
    vscode.authentication.registerAuthenticationProvider(
      AUTH_PROVIDER_ID,
      'Cloud Engineer (Cognito)',
      provider,
      { supportsMultipleAccounts: false },
    ),
    vscode.window.registerUriHandler(provider),
  );
  return provider;
}

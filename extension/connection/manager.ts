/** The current connection, rebuilt when the settings change; who is signed in, for the status bar. */
import * as vscode from 'vscode';
import type { CognitoAuthProvider } from '../auth/cognito-auth-provider';
import { Disposable } from '../common/disposable';
import { log } from '../common/log';
import { affectsConnection, readSettings } from '../common/settings';
import { secretName } from '../model/catalog';
import { createConnection } from './factory';
import type { AgentConnection, SetupProblem } from './types';

export class ConnectionManager extends Disposable {
  private current: AgentConnection | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires when settings or the sign-in change what `get()` returns. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly auth: CognitoAuthProvider,
  ) {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!affectsConnection(e)) return;
        this.reset();
        this.changed.fire();
      }),
    );
    this._register(auth.onDidChangeSessions(() => this.changed.fire()));
    this._register({ dispose: () => this.current?.dispose() });
  }

  /** Throws a `ConnectionError` ('not_configured') when the settings are incomplete. */
  get(): AgentConnection {
    return (this.current ??= createConnection(readSettings(), {
      storageDir: this.context.globalStorageUri.fsPath,
      token: () => this.auth.accessToken(),
      modelApiKey: (provider) => Promise.resolve(this.context.secrets.get(secretName(provider))),
      log: (line) => log().debug(line),
    }));
  }

  /** What to fix before the first request, if anything (local mode: no AWS credentials). */
  async preflight(): Promise<SetupProblem | undefined> {
    let connection: AgentConnection;
    try {
      connection = this.get();
    } catch {
      return undefined; // an incomplete setting: the first request says which
    }
    return connection.preflight?.();
  }

  /** "alice@example.com · 127.0.0.1:8080", or what is missing. */
  async describe(): Promise<{ text: string; signedIn: boolean; needsSignIn: boolean }> {
    let where: string;
    try {
      where = this.get().label;
    } catch (error) {
      return { text: (error as Error).message, signedIn: false, needsSignIn: false };
    }
    const user = await this.auth.currentLabel();
    const needsSignIn = this.auth.configured && !user;
    const offline = user && this.auth.offline ? ' (offline, retrying)' : '';
    return { text: user ? `${user} · ${where}${offline}` : where, signedIn: Boolean(user), needsSignIn };
  }

  /** Starts over with a new connection (a new model API key): the next request uses it. */
  restart(): void {
    this.reset();
    this.changed.fire();
  }

  private reset(): void {
    this.current?.dispose();
    this.current = undefined;
  }
}

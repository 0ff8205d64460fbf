/**
 * The Chat webview view. Holds no conversation itself: the controller does, and gives it back
 * whenever the webview (re)loads, so hiding the view or reloading the window loses nothing.
 */
import * as vscode from 'vscode';
import { ToExtension, type ToWebview } from '../../shared/webview-protocol';
import { Disposable } from '../common/disposable';
import { COMMANDS, VIEWS } from '../common/ids';
import { log } from '../common/log';
import { approvalTemplate } from '../diff/approval-template';
import { openTemplateDiff } from '../diff/template-diff';
import type { ChatController } from './chat-controller';
import { insertAtCursor, openDiagram, openInEditor, saveDiagram } from './editor-actions';
import { chatHtml } from './html';

/** The command behind each fix a banner or setup step offers (retry and the setup check are the controller's). */
const FIX_COMMANDS = {
  signIn: COMMANDS.signIn,
  configure: COMMANDS.configureBackend,
  showLogs: COMMANDS.showLogs,
  setModelApiKey: COMMANDS.setModelApiKey,
  selectModel: COMMANDS.selectModel,
} as const;

export class ChatView extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private controller!: ChatController;

  constructor(private readonly extensionUri: vscode.Uri) {
    super();
  }

  private firstReady: (() => void) | undefined;

  attach(controller: ChatController): void {
    this.controller = controller;
  }

  /** Runs once, when the webview first asks for its state. */
  onFirstReady(callback: () => void): void {
    this.firstReady = callback;
  }

  /** Delivered if the view is alive; a view that comes back asks for the state with `ready`. */
  post(message: ToWebview): void {
    void this.view?.webview.postMessage(message);
  }

  /** Whether the chat is on screen now. */
  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  /** Shows the chat; `preserveFocus` leaves the keyboard where it is (a click in the Sessions tree). */
  async reveal(preserveFocus = false): Promise<void> {
    if (preserveFocus && this.view) return this.view.show(true);
    await vscode.commands.executeCommand(`${VIEWS.chat}.focus`);
    if (preserveFocus) await vscode.commands.executeCommand(`${VIEWS.sessions}.focus`);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    const uri = (...path: string[]) =>
      view.webview.asWebviewUri(vscode.Uri.joinPath(dist, ...path)).toString();
    view.webview.html = chatHtml({
      cspSource: view.webview.cspSource,
      script: uri('main.js'),
      mermaid: uri('mermaid.js'),
      styles: view.webview.asWebviewUri(vscode.Uri.joinPath(media, 'chat.css')).toString(),
      codicons: uri('codicons', 'codicon.css'),
    });
    const listener = view.webview.onDidReceiveMessage((raw) => void this.receive(raw));
    view.onDidDispose(() => {
      listener.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = ToExtension.safeParse(raw);
    if (!parsed.success) {
      log().warn(`chat view: ignored a malformed message (${parsed.error.issues[0]?.message})`);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready': {
        const first = this.firstReady;
        this.firstReady = undefined;
        first?.();
        return this.post({ type: 'state', state: this.controller.snapshot });
      }
      case 'send':
        return this.controller.send(message.text);
      case 'stop':
        return this.controller.stop();
      case 'retry':
        return this.controller.retry();
      case 'newChat':
        return this.controller.newChat();
      case 'dismissError':
        return this.controller.dismissError();
      case 'decide':
        return this.controller.decide({
          toolUseId: message.toolUseId,
          decision: message.decision,
          ...(message.confirmText !== undefined ? { confirmText: message.confirmText } : {}),
        });
      case 'copy':
        await vscode.env.clipboard.writeText(message.text);
        return void vscode.window.setStatusBarMessage('$(copy) Copied', 2000);
      case 'copyCall': {
        const call = this.controller.callText(message.toolUseId);
        if (!call) return;
        await vscode.env.clipboard.writeText(call);
        return void vscode.window.setStatusBarMessage(
          '$(copy) Copied the call: send it to an approver',
          4000,
        );
      }
      case 'insert':
        return insertAtCursor(message.text, message.language);
      case 'openInEditor':
        return openInEditor(message.text, message.language);
      case 'openDiagram':
        return openDiagram(message.svg);
      case 'openDiff': {
        const template = approvalTemplate(this.controller.snapshot, message.toolUseId);
        return template ? openTemplateDiff(template) : undefined;
      }
      case 'saveDiagram':
        return saveDiagram(message).catch((error: unknown) => {
          void vscode.window.showErrorMessage(
            `Cloud Engineer: could not save the diagram: ${(error as Error).message}`,
          );
        });
      case 'fix':
        if (message.action === 'retry') return this.controller.retry();
        if (message.action === 'checkSetup') return this.controller.checkSetup();
        await vscode.commands.executeCommand(FIX_COMMANDS[message.action]);
        return;
      default:
        // Every message type has its case: a new one does not compile until it is handled.
        message satisfies never;
    }
  }
}

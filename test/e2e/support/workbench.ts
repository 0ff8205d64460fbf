/**
 * Real VS Code in a browser: code-server (VS Code 1.117) with the packaged .vsix installed, driven
 * by Playwright in Debian's Chromium. The workbench, the extension host and the webview are the
 * real ones; nothing of the editor is mocked.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import { Child, freePort } from '../../support/process';

const ROOT = resolve(__dirname, '../../..');
/** `CE_VSIX` tests another build of the extension than the one `npm run package` writes. */
export const VSIX = process.env.CE_VSIX ?? join(ROOT, 'dist', 'cloud-engineer.vsix');
export const ARTIFACTS = join(ROOT, 'test-results', 'e2e');

export interface WorkbenchOptions {
  codeServer: string;
  settings: Record<string, unknown>;
  files?: Record<string, string>;
  /** The environment of code-server and so of the extension host (AWS credentials, for local mode). */
  env?: Record<string, string | undefined>;
}

export class Workbench {
  readonly dir = mkdtempSync(join(tmpdir(), 'ce-workbench-'));
  readonly workspace = join(this.dir, 'workspace');
  private server?: Child;
  private browser?: Browser;
  page!: Page;
  url = '';
  private shots = 0;

  constructor(private readonly options: WorkbenchOptions) {}

  async start(): Promise<this> {
    const extensions = join(this.dir, 'extensions');
    const userData = join(this.dir, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    mkdirSync(this.workspace, { recursive: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const [name, content] of Object.entries(this.options.files ?? {})) {
      mkdirSync(dirname(join(this.workspace, name)), { recursive: true });
      writeFileSync(join(this.workspace, name), content);
    }
    writeFileSync(
      join(userData, 'User', 'settings.json'),
      JSON.stringify({
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'chat.commandCenter.enabled': false,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        // Tests use no network: the AWS Knowledge MCP server is remote.
        'cloudEngineer.mcp.awsKnowledge': false,
        ...this.options.settings,
      }),
    );
    const common = ['--extensions-dir', extensions, '--user-data-dir', userData];
    execFileSync(this.options.codeServer, [...common, '--install-extension', VSIX], { stdio: 'pipe' });
    const port = await freePort();
    this.server = Child.start(
      this.options.codeServer,
      [
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        ...common,
        this.workspace,
      ],
      { env: { ...process.env, VSCODE_PROXY_URI: '', ...this.options.env } },
    );
    await this.server.waitFor(/HTTP server listening/i, 60_000);
    this.url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(this.workspace)}`;
    this.browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: `http://127.0.0.1:${port}`,
    });
    this.page = await context.newPage();
    await this.page.goto(this.url);
    await this.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    return this;
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => {});
    await this.server?.stop();
  }

  /** Runs a command from the Command Palette by its title. */
  async command(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    await this.page
      .locator('.quick-input-list .monaco-list-row', { hasText: title })
      .first()
      .waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.taken(`>${title}`);
  }

  /** Answers the open input box (or picks the quick-pick row with this text). */
  async answer(text: string, options: { pick?: boolean } = {}): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    if (options.pick) {
      await input.fill(text);
      await this.page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor();
    } else {
      await input.fill(text);
    }
    await this.page.keyboard.press('Enter');
    await this.taken(text);
  }

  /**
   * Waits until the quick input has let go of `value`: hidden, or showing the next prompt. The
   * widget stays up with the old value until the extension host has answered, and an answer typed
   * meanwhile would land in it. A value it keeps (a rejected input) ends the wait after 10 s.
   */
  private async taken(value: string): Promise<void> {
    await this.page
      .waitForFunction(
        (v) => {
          const input = document.querySelector<HTMLInputElement>('.quick-input-widget input');
          return !input || input.offsetParent === null || input.value !== v;
        },
        value,
        { timeout: 10_000 },
      )
      .catch(() => {});
  }

  /** Opens the context menu of `target` and runs its entry `label`. */
  async contextMenu(target: import('playwright-core').Locator, label: string): Promise<void> {
    await target.click({ button: 'right' });
    const item = this.page.getByRole('menuitem', { name: label });
    await item.waitFor();
    await item.hover();
    await this.page.keyboard.press('Enter');
    await item.waitFor({ state: 'detached' });
  }

  /** The chat webview's inner document. */
  async chat(timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        const found = await frame
          .evaluate(() => document.querySelector('#app .composer') !== null)
          .catch(() => false);
        if (found) return frame;
      }
      await this.page.waitForTimeout(200);
    }
    throw new Error('the chat webview did not appear');
  }

  /** Opens the Cloud Engineer container from the activity bar, as a user would. */
  async openChatView(): Promise<Frame> {
    const item = this.page
      .locator('.activitybar li.action-item', { has: this.page.locator('[aria-label^="Cloud Engineer"]') })
      .first();
    await item.waitFor({ timeout: 60_000 });
    // A container restored by a reload shows its webview a moment later; clicking the icon of a
    // container that is already shown would hide it.
    const restored = await this.chat(5000).catch(() => undefined);
    if (restored) return restored;
    if (!/\bchecked\b/.test((await item.getAttribute('class')) ?? '')) await item.click();
    return this.chat(60_000);
  }

  async screenshot(name: string): Promise<string> {
    const file = join(ARTIFACTS, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

/** Keeps a screenshot of the workbench for every failed test of the enclosing suite. */
export function screenshotOnFailure(workbench: () => Workbench | undefined, prefix = 'failed'): void {
  afterEach(async function () {
    if (this.currentTest?.state === 'failed')
      await workbench()?.screenshot(`${prefix}-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });
}

/**
 * First token on screen, in real VS Code (code-server in Chromium): the time from the backend
 * writing a text delta to that text appearing in the chat webview's DOM. The backend here is a
 * bare SSE server speaking the contract, so the figure is the extension's and the webview's alone.
 */
import { createServer } from 'node:http';
import { Workbench } from '../e2e/support/workbench';
import { listen, pct, record } from './lib';

const TOKENS = 12;

export async function firstTokenOnScreen(codeServer: string | undefined): Promise<void> {
  console.log('\nFirst token on screen (real VS Code)');
  if (!codeServer) {
    record({
      section: 'extension',
      figure: 'first token on screen after the backend emits it (set CODE_SERVER_BIN)',
      value: NaN,
      unit: 'ms',
      target: '<= 50 ms',
      met: undefined,
    });
    return;
  }
  const emitted = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      const request = JSON.parse(body || '{}');
      const json = (value: unknown, status = 200) => (
        res.writeHead(status, { 'content-type': 'application/json' }),
        res.end(JSON.stringify(value))
      );
      if (request.action === 'whoami') return json({ actorId: 'local', authMode: 'none' });
      if (request.action === 'listSessions') return json({ sessions: [] });
      if (request.action === 'listTasks') return json({ tasks: [] });
      if (request.action !== 'chat')
        return json({ error: { code: 'not_found', message: 'no session' } }, 404);
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
      res.socket?.setNoDelay(true);
      const send = (event: unknown) => res.write(`data: ${JSON.stringify(event)}\n\n`);
      send({ type: 'session', sessionId: 'bench-session', title: 'bench', created: true });
      for (let i = 0; i < TOKENS; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const token = `benchtoken${String(i).padStart(2, '0')}`;
        emitted.set(token, Date.now());
        send({ type: 'text', text: `${token} ` });
      }
      send({ type: 'done', stopReason: 'end_turn' });
      res.end();
    });
  });
  const port = await listen(server);
  const workbench = await new Workbench({
    codeServer,
    settings: {
      'cloudEngineer.backend.mode': 'http',
      'cloudEngineer.backend.url': `http://127.0.0.1:${port}`,
    },
  }).start();
  try {
    const chat = await workbench.openChatView();
    // Stamp each token the moment the webview's DOM first holds it.
    await chat.evaluate(() => {
      const seen: Record<string, number> = {};
      (window as unknown as { __seen: typeof seen }).__seen = seen;
      new MutationObserver(() => {
        for (const m of document.body.innerText.matchAll(/benchtoken\d\d/g)) seen[m[0]] ??= Date.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await chat.locator('vscode-textarea').click();
    await workbench.page.keyboard.type('measure the first token');
    await workbench.page.keyboard.press('Enter');
    await chat.locator('text=benchtoken11').first().waitFor({ timeout: 30_000 });
    const seen = await chat.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen);
    const delays = [...emitted].map(([token, at]) => seen[token]! - at).filter((d) => Number.isFinite(d));
    await workbench.screenshot('bench-first-token');
    record({
      section: 'extension',
      figure: `token on screen after the backend emits it, real VS Code, p50 of ${delays.length}`,
      value: pct(delays, 50),
      unit: 'ms',
      baseline: { label: 'p95', value: pct(delays, 95) },
      target: '<= 50 ms',
      met: pct(delays, 50) <= 50,
    });
  } finally {
    await workbench.stop();
    server.close();
  }
}

/**
 * How the chat view renders, in real VS Code (code-server + Playwright), on the local backend
 * server with the Bedrock and AWS fakes at the wire: tables, links, tool results, approval cards
 * that show all they approve, diagrams under the page's Content-Security-Policy, the keyboard,
 * the narrow sidebar and the Dark Modern theme. Steps share one workbench and run in order.
 */
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { textTurn, toolTurn } from '../fakes/bedrock';
import { BackendStack, eventually } from '../support/stack';
import { screenshotOnFailure, Workbench } from './support/workbench';

describe('chat rendering in real VS Code', function () {
  /** A workbench on the local backend server, the fakes standing in for Bedrock and AWS. */
  const start = (codeServer: string, settings: Record<string, unknown>) =>
    new Workbench({
      codeServer,
      settings: {
        'cloudEngineer.backend.mode': 'http',
        'cloudEngineer.backend.url': stack.url,
        ...settings,
      },
    }).start();
  /** Drags the sidebar narrow, as on a laptop with the explorer beside the editor. */
  async function narrowSidebar() {
    const sidebar = await workbench.page.locator('.part.sidebar').boundingBox();
    assert.ok(sidebar);
    await workbench.page.mouse.move(sidebar.x + sidebar.width, sidebar.y + 300);
    await workbench.page.mouse.down();
    await workbench.page.mouse.move(sidebar.x + 250, sidebar.y + 300, { steps: 8 });
    await workbench.page.mouse.up();
    await eventually(async () => {
      const width = (await workbench.page.locator('.part.sidebar').boundingBox())!.width;
      assert.ok(width < 300, `the sidebar is ${width}px wide`);
    });
  }

  this.timeout(180_000);
  const stack = new BackendStack({ auth: 'none' });
  const { bedrock, aws } = stack;
  let workbench: Workbench;
  let chat: Frame;
  /** Every Content-Security-Policy violation in the chat view, counted by the page itself. */
  const violations = () =>
    chat.evaluate(() => (window as unknown as { violations?: string[] }).violations ?? []);

  before(async () => {
    const codeServer = process.env.CODE_SERVER_BIN;
    assert.ok(codeServer, 'CODE_SERVER_BIN is not set');
    await stack.start();
    workbench = await start(codeServer, {});
  });
  after(async () => {
    await workbench?.stop();
    await stack.stop();
  });
  screenshotOnFailure(() => workbench, 'render-failed');

  async function ask(text: string) {
    await chat.locator('vscode-textarea').click();
    await workbench.page.keyboard.type(text);
    await workbench.page.keyboard.press('Enter');
  }
  async function idle() {
    await chat.locator('.composer:not(.busy)').waitFor({ timeout: 30_000 });
  }
  const lastAnswer = () => chat.locator('.message.assistant').last();
  /** Nothing in the list is wider than the list. */
  const listOverflow = () =>
    chat.evaluate(() => {
      const log = document.querySelector<HTMLElement>('.messages')!;
      return log.scrollWidth - log.clientWidth;
    });
  async function activeEditorText(): Promise<string> {
    const editor = workbench.page.locator('.editor-group-container.active .monaco-editor .view-lines');
    await editor.first().waitFor({ timeout: 20_000 });
    return editor.first().innerText();
  }

  it('gives the title the header, labels the composer, and marks up messages for screen readers', async () => {
    chat = await workbench.openChatView();
    await chat.evaluate(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.violations.push(`${e.violatedDirective} ${e.sample}`),
      );
    });
    assert.equal(await chat.locator('.header .connection').count(), 0, 'identity is the status bar’s');
    assert.equal(await chat.locator('.header .title').innerText(), 'New chat');
    assert.equal(await chat.locator('label[for="prompt"]').innerText(), 'Message Cloud Engineer');
    assert.equal(await chat.locator('vscode-textarea').getAttribute('placeholder'), null);

    bedrock.enqueue(
      textTurn([
        'Your VPCs:\n\n| Name | VPC id | CIDR | Availability zone |\n|---|---|---|---|\n',
        '| production-network | vpc-0a1b2c3d4e5f60789 | 10.0.0.0/16 | eu-west-1a |\n',
        '| staging | vpc-0fedcba9876543210 | 10.1.0.0/16 | eu-west-1b |\n\n',
        'Open [the settings](vscode://settings/cloudEngineer) or <command:workbench.action.openSettings>; ',
        'docs at https://docs.aws.amazon.com/vpc/.\n',
      ]),
    );
    await ask('List my VPCs');
    await eventually(async () => assert.match(await lastAnswer().innerText(), /docs at/), 30_000);
    await idle();
    const log = chat.locator('[role="log"]');
    await log.locator('article[aria-label="You said"]', { hasText: 'List my VPCs' }).waitFor();
    await log
      .locator('article[aria-label="Cloud Engineer said"]', { hasText: 'vpc-0a1b2c3d4e5f60789' })
      .waitFor();
    // Only the web link is a link; vscode: and command: stay text.
    const hrefs = await lastAnswer()
      .locator('a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, ['https://docs.aws.amazon.com/vpc/']);
    assert.match(await lastAnswer().innerText(), /\[the settings\]\(vscode:\/\/settings\/cloudEngineer\)/);
    await workbench.screenshot('render-table-and-links');
  });

  it('keeps ids and words in table cells whole, the table scrolling in its own box, at narrow width', async () => {
    await narrowSidebar();
    // Every word of every cell (ids included) on one line: a cell breaks between words only.
    const cells = await chat.evaluate(() => {
      const words: [string, number][] = [];
      for (const cell of document.querySelectorAll('.markdown td, .markdown th')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const match of (node.textContent ?? '').matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
            words.push([match[0], lines.size]);
          }
        }
      }
      return words;
    });
    assert.ok(cells.some(([text]) => text === 'vpc-0a1b2c3d4e5f60789'));
    for (const [text, lines] of cells) assert.equal(lines, 1, `"${text}" is broken over ${lines} lines`);
    const box = await chat.evaluate(() => {
      const el = document.querySelector<HTMLElement>('.markdown .table-scroll')!;
      return { scroll: el.scrollWidth, client: el.clientWidth };
    });
    assert.ok(box.scroll > box.client, 'the wide table scrolls inside its box');
    assert.ok((await listOverflow()) <= 0, 'the message list does not scroll sideways');
    await workbench.screenshot('render-narrow-table');
  });

  it('shows tool results collapsed, pretty-printed when expanded, and opens them in an editor', async () => {
    aws.stacks.set('web', { name: 'web', status: 'CREATE_COMPLETE', description: 'The web tier' });
    bedrock.enqueue(
      toolTurn([{ id: 'tu-read', name: 'cloudformation_describe', input: { stackName: 'web' } }]),
      textTurn(['The web stack is healthy.']),
    );
    await ask('How is the web stack?');
    await eventually(async () => assert.match(await lastAnswer().innerText(), /healthy/), 30_000);
    await idle();
    const card = chat.locator('.tool-card').last();
    assert.equal(await card.getAttribute('role'), 'group');
    assert.match((await card.getAttribute('aria-label')) ?? '', /^Tool CloudFormation: describe: done$/);
    const result = card.locator('details', { has: chat.locator('summary', { hasText: 'Result' }) });
    assert.equal(await result.getAttribute('open'), null, 'collapsed by default');
    await result.locator('summary').click();
    const pretty = await result.locator('pre').innerText();
    assert.match(pretty, /^\{\n {2}"/, 'pretty-printed JSON');
    assert.match(pretty, /CREATE_COMPLETE/);
    await workbench.screenshot('render-tool-result');
    await result.locator('.open-in-editor').click();
    await eventually(async () => assert.match(await activeEditorText(), /CREATE_COMPLETE/), 20_000);
    await workbench.command('View: Revert and Close Editor');
  });

  it('draws a diagram without a single CSP violation, and opens it in a zoomable editor tab', async () => {
    bedrock.enqueue(
      textTurn([
        'The layout:\n\n```mermaid\nflowchart TB\n  alb[Application Load Balancer] --> web[EC2 web tier]\n',
        '  web --> db[(RDS PostgreSQL)]\n  web --> cache[ElastiCache]\n```\n',
      ]),
    );
    await ask('Draw my web tier');
    await chat.locator('img.mermaid-diagram').last().waitFor({ timeout: 30_000 });
    await idle();
    assert.equal(await chat.locator('.mermaid-failed').count(), 0);
    assert.deepEqual(await violations(), [], 'no Content-Security-Policy violation while drawing');
    await workbench.screenshot('render-diagram');
    await chat.locator('.open-diagram').last().click();
    const tab = workbench.page.locator('.tabs-container .tab', { hasText: /diagram-[0-9a-f]+\.svg/ });
    await tab.first().waitFor({ timeout: 20_000 });
    // VS Code's image preview (zoomable) shows it: an image that loaded, in a frame of its own.
    await eventually(async () => {
      let loaded = false;
      for (const frame of workbench.page.frames()) {
        const width = await frame
          .evaluate(
            () =>
              document.querySelector<HTMLImageElement>('img.scale-to-fit, .container img')?.naturalWidth ?? 0,
          )
          .catch(() => 0);
        loaded ||= width > 0;
      }
      assert.ok(loaded, 'the diagram shows in the image preview');
    }, 20_000);
    await workbench.screenshot('render-open-diagram');
    await workbench.command('View: Close All Editors');
  });

  it('inserts a code block with no editor open as a new document in the block’s language', async () => {
    await workbench.command('View: Close All Editors');
    bedrock.enqueue(
      textTurn(['A bucket:\n\n```yaml\nResources:\n  Logs:\n    Type: AWS::S3::Bucket\n```\n']),
    );
    await ask('Give me a bucket');
    await chat.locator('.code-block').last().waitFor({ timeout: 30_000 });
    await idle();
    await chat.locator('.code-block vscode-toolbar-button[data-action="insert"]').last().click();
    await eventually(async () => assert.match(await activeEditorText(), /AWS::S3::Bucket/), 20_000);
    await workbench.page
      .locator('.statusbar-item', { hasText: /^YAML$/ })
      .first()
      .waitFor({ timeout: 20_000 });
    await workbench.screenshot('render-insert-no-editor');
    await workbench.command('View: Revert and Close Editor');
  });

  it('shows every change of a change set and the whole input on approval cards', async () => {
    const template =
      'Resources:\n' +
      Array.from({ length: 60 }, (_, i) => `  Queue${i}:\n    Type: AWS::SQS::Queue\n`).join('') +
      '  Admin:\n    Type: AWS::IAM::User\n    Properties:\n      ManagedPolicyArns:\n        - arn:aws:iam::aws:policy/AdministratorAccess\n';
    assert.ok(template.length > 2000);
    bedrock.enqueue(
      toolTurn([
        {
          id: 'tu-plan',
          name: 'cloudformation_plan_change',
          input: { stackName: 'web', templateBody: template, capabilities: ['CAPABILITY_IAM'] },
        },
      ]),
      textTurn(['Not planned.']),
    );
    await ask('Add an admin user to web');
    const plan = chat.locator('.approval-card:not(.decided)');
    await plan.waitFor({ timeout: 30_000 });
    const call = (await plan.locator('.tool-input pre').allTextContents()).join('\n'); // the call, the template
    assert.match(call ?? '', /AdministratorAccess/, 'the whole input is on the card');
    assert.match(call ?? '', /CAPABILITY_IAM/);
    await plan.locator('vscode-button', { hasText: 'Deny' }).click();
    await eventually(async () => assert.match(await lastAnswer().innerText(), /Not planned/), 30_000);
    await idle();

    bedrock.enqueue(
      toolTurn([
        {
          id: 'tu-exec',
          name: 'cloudformation_execute_change_set',
          input: { stackName: 'web', changeSetName: 'cloud-engineer-1' },
        },
      ]),
      textTurn(['Deploying.']),
    );
    await ask('Deploy it');
    const exec = chat.locator('.approval-card:not(.decided)');
    await exec.waitFor({ timeout: 30_000 });
    const changes = exec.locator('.change-list');
    await changes.waitFor();
    assert.match(await changes.locator('caption').innerText(), /^1 resource change$/);
    assert.deepEqual(await changes.locator('tbody td').allInnerTexts(), [
      'Add',
      'Bucket',
      'AWS::S3::Bucket',
      '—',
    ]);
    assert.match(await exec.locator('.capabilities').innerText(), /Capabilities: none/);
    assert.deepEqual(
      aws.calledWith('DescribeChangeSet').map((p) => p.ChangeSetName),
      ['cloud-engineer-1'],
    );
    assert.ok((await listOverflow()) <= 0, 'the card does not widen the list');
    const badge = await exec.locator('.approval-badge').boundingBox();
    const cardBox = await exec.boundingBox();
    assert.ok(
      badge && cardBox && badge.x + badge.width <= cardBox.x + cardBox.width,
      'the badge is not clipped',
    );
    const spills = await exec.evaluate((card) =>
      [...card.querySelectorAll('*')]
        .filter((el) => el.getBoundingClientRect().right > card.getBoundingClientRect().right + 0.5)
        .filter((el) => !el.closest('pre, .change-list'))
        .map((el) => el.className || el.localName),
    );
    assert.deepEqual(spills, [], 'nothing sticks out of the card');
    await exec.evaluate((card) => card.scrollIntoView({ block: 'start' }));
    await workbench.screenshot('render-narrow-change-set-approval');
    await exec.locator('vscode-button', { hasText: 'Approve' }).click();
    await eventually(async () => assert.match(await lastAnswer().innerText(), /Deploying/), 30_000);
    await idle();
  });

  it('approves a typed confirmation with Enter once it matches', async () => {
    aws.stacks.set('old-stack', { name: 'old-stack', status: 'CREATE_COMPLETE' });
    bedrock.enqueue(
      toolTurn([{ id: 'tu-del', name: 'cloudformation_delete_stack', input: { stackName: 'old-stack' } }]),
      textTurn(['Deletion started.']),
    );
    await ask('Delete old-stack');
    const card = chat.locator('.approval-card:not(.decided)');
    await card.waitFor({ timeout: 30_000 });
    const label = card.locator('label.confirm-label');
    assert.equal(await label.innerText(), 'Type DELETE old-stack to approve');
    const id = await label.getAttribute('for');
    assert.equal(await card.locator(`vscode-textfield#${id}`).count(), 1, 'the label names the field');
    await card.locator('vscode-textfield').click();
    await workbench.page.keyboard.type('DELETE old');
    await workbench.page.keyboard.press('Enter');
    assert.deepEqual(aws.calledWith('DeleteStack'), [], 'Enter does nothing until the text matches');
    await workbench.page.keyboard.type('-stack');
    await workbench.page.keyboard.press('Enter');
    await eventually(async () => assert.match(await lastAnswer().innerText(), /Deletion started/), 30_000);
    assert.deepEqual(
      aws.calledWith('DeleteStack').map((p) => p.StackName),
      ['old-stack'],
    );
    await idle();
  });

  it('stops an answer with Escape and marks it "Stopped"; Up recalls the last message', async () => {
    bedrock.enqueue(
      textTurn(
        Array.from({ length: 40 }, (_, i) => `word${i} `),
        { gapMs: 500 },
      ),
    );
    await ask('Tell me a long story');
    await eventually(async () => assert.match(await lastAnswer().innerText(), /word1/), 30_000);
    await chat.locator('vscode-textarea').press('Escape');
    await lastAnswer().locator('.stopped-mark', { hasText: 'Stopped' }).waitFor({ timeout: 20_000 });
    await idle();
    await lastAnswer().evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await workbench.screenshot('render-stopped');
    await chat.locator('vscode-textarea').click();
    await workbench.page.keyboard.press('ArrowUp');
    await eventually(async () =>
      assert.equal(
        await chat.locator('vscode-textarea').evaluate((el) => (el as HTMLTextAreaElement).value),
        'Tell me a long story',
      ),
    );
    await workbench.page.keyboard.press('Control+A');
    await workbench.page.keyboard.press('Delete');
  });

  it('in the Dark Modern theme: diagrams with their labels inside their shapes, at narrow width', async () => {
    // A workbench of its own, started in the theme, the sidebar narrow again.
    await workbench.stop();
    workbench = await start(process.env.CODE_SERVER_BIN!, { 'workbench.colorTheme': 'Default Dark Modern' });
    chat = await workbench.openChatView();
    await chat.evaluate(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.violations.push(`${e.violatedDirective} ${e.sample}`),
      );
    });
    assert.ok(await chat.evaluate(() => document.body.classList.contains('vscode-dark')));
    await narrowSidebar();
    bedrock.enqueue(
      textTurn([
        '| Stack | Status | Last change |\n|---|---|---|\n| web-frontend | UPDATE_COMPLETE | 2026-11-27 |\n',
        '| data-pipeline | UPDATE_ROLLBACK_COMPLETE | 2026-11-20 |\n',
      ]),
    );
    await ask('List my stacks');
    await eventually(async () => assert.match(await lastAnswer().innerText(), /data-pipeline/), 30_000);
    await idle();
    bedrock.enqueue(
      textTurn([
        '```mermaid\nflowchart TB\n  user((User)) --> alb[Application Load Balancer]\n',
        '  alb --> svc[ECS service: web-frontend]\n  svc --> db[(Aurora PostgreSQL cluster)]\n```\n',
      ]),
    );
    await ask('Draw it again');
    await chat.locator('img.mermaid-diagram').last().waitFor({ timeout: 30_000 });
    await idle();
    assert.deepEqual(await violations(), []);
    // Each label is measured with the styles it is drawn with: its text fits inside its shape.
    // (Measured in a page of its own: the SVG's style element would be refused in the webview.)
    const svg = await chat.evaluate(() => {
      const img = [...document.querySelectorAll<HTMLImageElement>('img.mermaid-diagram')].at(-1)!;
      return decodeURIComponent(escape(atob(img.src.split(',')[1]!)));
    });
    const probe = await workbench.page.context().newPage();
    await probe.setContent(`<!DOCTYPE html><body style="margin:0">${svg}</body>`);
    const overlaps = await probe.evaluate(() => {
      const bad: string[] = [];
      for (const node of document.querySelectorAll<SVGGElement>('g.node')) {
        const shape = node.querySelector<SVGGraphicsElement>('rect, circle, path, polygon')!;
        const label = node.querySelector<SVGGraphicsElement>('text')!;
        const s = shape.getBoundingClientRect();
        const l = label.getBoundingClientRect();
        if (l.left < s.left - 1 || l.right > s.right + 1) bad.push(label.textContent ?? '');
      }
      return bad;
    });
    await probe.close();
    assert.deepEqual(overlaps, []);
    assert.ok((await listOverflow()) <= 0, 'the message list does not scroll sideways');
    await chat
      .locator('img.mermaid-diagram')
      .last()
      .evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await workbench.screenshot('render-dark-narrow-diagram');
  });
});

/**
 * Diagrams people can keep, in real VS Code (code-server + Playwright) on the local backend server
 * with the Bedrock fake at the wire: a metric chart (the metric tool's xychart) and an
 * architecture-beta diagram with AWS service icons render under the page's Content-Security-Policy
 * with no network, and Save Diagram… writes SVG and PNG files into the workspace. One workbench.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { xyChart } from '../../backend/src/core/tools/observability/chart';
import { textTurn } from '../fakes/bedrock';
import { BackendStack, eventually } from '../support/stack';
import { screenshotOnFailure, Workbench } from './support/workbench';

const CHART = xyChart(
  'Lambda Errors (Sum)',
  'Count',
  Array.from({ length: 12 }, (_, i) => ({
    at: new Date(Date.UTC(2026, 10, 27, 10, i * 5)),
    value: i === 8 ? 42 : i % 3,
  })),
);

const ARCHITECTURE = [
  '---',
  'title: Orders API',
  '---',
  'architecture-beta',
  '  group vpc(logos:aws-vpc)[VPC production]',
  '  service cdn(logos:aws-cloudfront)[CloudFront]',
  '  service api(logos:aws-api-gateway)[API Gateway]',
  '  service fn(logos:aws-lambda)[orders] in vpc',
  '  service table(logos:aws-dynamodb)[orders table] in vpc',
  '  service bucket(logos:aws-s3)[assets]',
  '  cdn:R --> L:api',
  '  api:R --> L:fn',
  '  fn:B --> T:table',
  '  cdn:B --> T:bucket',
].join('\n');
const ICONED_SERVICES = 5;

describe('diagrams in real VS Code', function () {
  this.timeout(180_000);
  const stack = new BackendStack({ auth: 'none' });
  let workbench: Workbench;
  let chat: Frame;

  before(async () => {
    const codeServer = process.env.CODE_SERVER_BIN;
    assert.ok(codeServer, 'CODE_SERVER_BIN is not set');
    await stack.start();
    workbench = await new Workbench({
      codeServer,
      settings: { 'cloudEngineer.backend.mode': 'http', 'cloudEngineer.backend.url': stack.url },
    }).start();
  });
  after(async () => {
    await workbench?.stop();
    await stack.stop();
  });
  screenshotOnFailure(() => workbench, 'diagrams-failed');

  /** The SVG a rendered diagram shows (it is an image with a data: URL). */
  const svgOf = (index: number) =>
    chat.evaluate((i) => {
      const img = document.querySelectorAll<HTMLImageElement>('img.mermaid-diagram')[i]!;
      return decodeURIComponent(escape(atob(img.src.split(',')[1]!)));
    }, index);

  it('draws a metric chart and an architecture diagram with AWS icons, offline and within the CSP', async () => {
    chat = await workbench.openChatView();
    await chat.evaluate(() => {
      const w = window as unknown as { violations: string[] };
      w.violations = [];
      document.addEventListener('securitypolicyviolation', (e) =>
        w.violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`),
      );
    });
    stack.bedrock.enqueue(
      textTurn([
        'Errors spiked at 10:40:\n\n```mermaid\n',
        `${CHART}\n`,
        '```\n\nThe path a request takes:\n\n```mermaid\n',
        `${ARCHITECTURE}\n`,
        '```\n',
      ]),
    );
    await chat.locator('vscode-textarea').click();
    await workbench.page.keyboard.type('Why did the orders function fail?');
    await workbench.page.keyboard.press('Enter');
    await eventually(async () => assert.equal(await chat.locator('img.mermaid-diagram').count(), 2), 45_000);
    await chat.locator('.composer:not(.busy)').waitFor({ timeout: 30_000 });
    assert.equal(await chat.locator('.mermaid-failed').count(), 0);
    assert.deepEqual(
      await chat.evaluate(() => (window as unknown as { violations: string[] }).violations),
      [],
      'no Content-Security-Policy violation while drawing',
    );

    const chart = await svgOf(0);
    assert.match(chart, /^<svg[\s>]/);
    assert.match(chart, /Lambda Errors \(Sum\)/);
    // The line: one path through all twelve points, in the chart's line plot.
    assert.match(chart, /<g class="line-plot-0"><path d="M[\d.,]+(?:L[\d.,]+){11}"/, 'the line is drawn');
    // In a colour that stands out (the theme's default first colour is near-white).
    assert.match(chart, /<g class="line-plot-0"><path [^>]*stroke="#1f77b4"/);

    const architecture = await svgOf(1);
    assert.match(architecture, /^<svg[\s>]/);
    // (Labels wrap word by word into tspans.)
    for (const label of ['CloudFront', 'Gateway', 'assets', 'production'])
      assert.ok(architecture.includes(label), label);
    // Each service's icon is the bundled AWS one: an SVG of its own inside the diagram, and no
    // "?" placeholder (what mermaid draws for an icon it does not have).
    const nested = (architecture.match(/<svg[\s>]/g) ?? []).length - 1;
    assert.ok(nested >= ICONED_SERVICES, `${nested} icons drawn`);
    assert.doesNotMatch(architecture, />\?</, 'no unknown-icon placeholder');
    // Both images loaded and have a size.
    const sizes = await chat
      .locator('img.mermaid-diagram')
      .evaluateAll((imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth));
    assert.ok(
      sizes.every((w) => w > 0),
      `natural widths ${sizes.join(', ')}`,
    );

    await chat
      .locator('img.mermaid-diagram')
      .nth(0)
      .evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await workbench.screenshot('diagrams-metric-chart');
    await chat
      .locator('img.mermaid-diagram')
      .nth(1)
      .evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await workbench.screenshot('diagrams-architecture-aws-icons');
  });

  it('saves a diagram as SVG and a chart as PNG into the workspace with Save Diagram…', async () => {
    const saveButtons = chat.locator('.save-diagram');
    assert.equal(await saveButtons.count(), 2);
    assert.equal(await saveButtons.nth(1).getAttribute('label'), 'Save Diagram…');

    await saveButtons.nth(1).click();
    await workbench.answer('SVG', { pick: true });
    // The save dialog proposes the workspace folder and the diagram's title; accept it.
    const input = workbench.page.locator('.quick-input-widget input');
    await eventually(async () => assert.match(await input.inputValue(), /Orders API\.svg$/), 20_000);
    await workbench.screenshot('diagrams-save-dialog');
    await workbench.page.keyboard.press('Enter');
    const svgFile = join(workbench.workspace, 'Orders API.svg');
    // The file may exist a moment before its bytes are in it: wait for the whole of it.
    const shown = await svgOf(1);
    await eventually(async () => {
      const saved = existsSync(svgFile) ? readFileSync(svgFile, 'utf8') : undefined;
      assert.ok(
        saved === shown,
        `the file is the diagram as shown (${saved?.length} of ${shown.length} characters)`,
      );
    }, 20_000);

    await saveButtons.nth(0).click();
    await workbench.answer('PNG', { pick: true });
    await eventually(
      async () => assert.match(await input.inputValue(), /Lambda Errors \(Sum\)\.png$/),
      20_000,
    );
    await workbench.page.keyboard.press('Enter');
    const pngFile = join(workbench.workspace, 'Lambda Errors (Sum).png');
    await eventually(async () => {
      const size = existsSync(pngFile) ? readFileSync(pngFile).length : 0;
      assert.ok(size > 24, `the PNG written (${size} bytes)`);
    }, 20_000);
    const png = readFileSync(pngFile);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    // Drawn at twice the chart's size: width in the IHDR chunk.
    assert.ok(png.readUInt32BE(16) > 400, `PNG ${png.readUInt32BE(16)}px wide`);
    // Drawing the PNG on a canvas broke no rule of the page's policy either.
    assert.deepEqual(
      await chat.evaluate(() => (window as unknown as { violations: string[] }).violations),
      [],
    );
  });
});

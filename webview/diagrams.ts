/**
 * Renders ```mermaid blocks, loading the mermaid bundle the first time one appears. The page's
 * Content-Security-Policy admits no inline style: while mermaid draws, its style elements carry
 * the page's nonce and its style attributes go through the CSSOM (which the policy allows), so
 * nothing is blocked, nothing is logged, and text is measured with the styles the image uses.
 */
import { diagramTitle } from '../shared/diagram-file';
import { svgToPngBase64 } from './diagram-png';
import type { ToExtension } from '../shared/webview-protocol';

type Mermaid = {
  initialize(config: Record<string, unknown>): void;
  render(id: string, source: string): Promise<{ svg: string }>;
};

let loading: Promise<Mermaid> | undefined;
let counter = 0;

function load(): Promise<Mermaid> {
  return (loading ??= new Promise<Mermaid>((resolve, reject) => {
    const app = document.getElementById('app')!;
    const script = document.createElement('script');
    script.src = app.dataset.mermaid!;
    // The page's CSP admits scripts with its nonce only; the loader passes it on.
    script.nonce = pageNonce();
    script.onload = () => {
      const mermaid = (globalThis as { cloudEngineerMermaid?: Mermaid }).cloudEngineerMermaid!;
      const dark =
        document.body.classList.contains('vscode-dark') ||
        document.body.classList.contains('vscode-high-contrast');
      // A concrete font stack: the diagram is shown as an image, where CSS variables do not resolve,
      // and mermaid must measure text in the font the image will draw it with.
      mermaid.initialize({
        startOnLoad: false,
        securityLevel: 'strict',
        theme: dark ? 'dark' : 'default',
        fontFamily: 'Helvetica, Arial, sans-serif',
        // SVG text, not HTML in foreignObject: an image draws it with the metrics mermaid measured.
        htmlLabels: false,
        flowchart: { htmlLabels: false },
        // Metric charts: the default theme draws the first line in near-white (#ECECFF), which a
        // spike disappears into; strong colours that read on the theme's ground instead.
        themeVariables: {
          xyChart: {
            plotColorPalette: dark
              ? '#4fc1ff, #ffb454, #7fd88f, #ff7b72, #c792ea'
              : '#1f77b4, #ff7f0e, #2ca02c, #d62728, #9467bd',
          },
        },
      });
      resolve(mermaid);
    };
    script.onerror = () => reject(new Error('could not load the diagram renderer'));
    document.head.appendChild(script);
  }));
}

function pageNonce(): string {
  return document.querySelector<HTMLScriptElement>('script[nonce]')?.nonce ?? '';
}

/**
 * While mermaid renders: style elements get the nonce, `setAttribute('style', …)` becomes a CSSOM
 * write, and the SVG string mermaid sanitizes (DOMPurify parses it, and a parsed style attribute
 * is a violation even in an inert document) carries its style attributes under another name.
 * Returns the undo.
 */
function admitMermaidStyles(nonce: string): () => void {
  const element = Element.prototype;
  const doc = Document.prototype;
  const { setAttribute } = element;
  const { createElement, createElementNS } = doc;
  const { parseFromString } = DOMParser.prototype;
  const withNonce = <T extends Element>(el: T): T => {
    if (el.localName === 'style') setAttribute.call(el, 'nonce', nonce);
    return el;
  };
  element.setAttribute = function (this: Element, name: string, value: string) {
    const style = (this as HTMLElement).style as CSSStyleDeclaration | undefined;
    if (name.toLowerCase() === 'style' && style) style.cssText = String(value);
    else setAttribute.call(this, name, value);
  };
  doc.createElement = function (this: Document, ...args: Parameters<Document['createElement']>) {
    return withNonce(createElement.apply(this, args));
  } as Document['createElement'];
  doc.createElementNS = function (this: Document, ...args: [string | null, string]) {
    return withNonce(createElementNS.apply(this, args));
  } as Document['createElementNS'];
  DOMParser.prototype.parseFromString = function (
    this: DOMParser,
    text: string,
    type: DOMParserSupportedType,
  ) {
    return parseFromString.call(this, String(text).replace(/ style="/g, ` ${HELD_STYLE}="`), type);
  };
  return () => {
    element.setAttribute = setAttribute;
    doc.createElement = createElement;
    doc.createElementNS = createElementNS;
    DOMParser.prototype.parseFromString = parseFromString;
  };
}

const HELD_STYLE = 'data-ce-style';

/** The SVG as an image shows it: style attributes back, and no trace of the page's nonce. */
function finishSvg(svg: string, nonce: string): string {
  const restored = svg
    .replace(new RegExp(` ${HELD_STYLE}="`, 'g'), ' style="')
    .replace(new RegExp(` nonce="${nonce}"`, 'g'), '');
  // Its own size (mermaid says width="100%"), so the image stands alone, e.g. in an editor tab.
  const viewBox = /viewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)"/.exec(restored);
  if (!viewBox) return restored;
  const [width, height] = [Math.ceil(Number(viewBox[1])), Math.ceil(Number(viewBox[2]))];
  return restored.replace(/^(<svg[^>]*?) width="100%"/, `$1 width="${width}" height="${height}"`);
}

type Send = (message: ToExtension) => void;

/** The render in progress: one at a time, because `admitMermaidStyles` patches shared prototypes. */
let rendering: Promise<void> = Promise.resolve();

/** Replaces finished mermaid placeholders under `root` with their SVG; the source stays on failure. */
export function renderDiagrams(root: HTMLElement, send: Send): Promise<void> {
  // Every paint asks; a second call that overlapped the first would render the same block again
  // with the patches of the first undone under it (and the page's CSP reporting every style).
  const run = rendering.then(() => renderPending(root, send));
  rendering = run.catch(() => undefined);
  return run;
}

async function renderPending(root: HTMLElement, send: Send): Promise<void> {
  const blocks = [...root.querySelectorAll<HTMLElement>('.mermaid-block:not([data-rendered])')];
  if (blocks.length === 0) return;
  const mermaid = await load();
  for (const block of blocks) {
    block.dataset.rendered = 'pending';
    const nonce = pageNonce();
    const undo = admitMermaidStyles(nonce);
    try {
      const rendered = await mermaid.render(`diagram-${++counter}`, block.dataset.source ?? '').finally(undo);
      const svg = finishSvg(rendered.svg, nonce);
      // Shown as an image: the SVG's own styles apply inside it and nothing in it can run.
      const img = document.createElement('img');
      img.className = 'mermaid-diagram';
      img.alt = 'Architecture diagram';
      img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
      // The SVG says width="100%"; its natural size is its viewBox (the stylesheet caps it at the view's width).
      const viewBox = /viewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)"/.exec(svg);
      if (viewBox) img.width = Math.ceil(Number(viewBox[1]));
      const open = document.createElement('vscode-toolbar-button');
      open.className = 'open-diagram';
      open.setAttribute('icon', 'zoom-in');
      open.setAttribute('label', 'Open Diagram');
      open.title = 'Open Diagram';
      open.addEventListener('click', () => send({ type: 'openDiagram', svg }));
      const save = document.createElement('vscode-toolbar-button');
      save.className = 'save-diagram';
      save.setAttribute('icon', 'save');
      save.setAttribute('label', 'Save Diagram…');
      save.title = 'Save Diagram…';
      const title = diagramTitle(block.dataset.source ?? '');
      save.addEventListener('click', () => void saveDiagram(svg, title, send));
      const bar = document.createElement('div');
      bar.className = 'diagram-toolbar';
      bar.append(open, save);
      block.replaceChildren(bar, img);
      block.dataset.rendered = 'ok';
    } catch {
      block.dataset.rendered = 'failed';
      block.classList.add('mermaid-failed');
    }
  }
}

/** The extension asks SVG or PNG and where; the PNG is drawn here, where there is a canvas. */
async function saveDiagram(svg: string, title: string | undefined, send: Send): Promise<void> {
  const png = await svgToPngBase64(svg, getComputedStyle(document.body).backgroundColor || '#ffffff');
  // Past the message's cap (a huge diagram), SVG only.
  const fits = png !== undefined && png.length <= 32 * 1024 * 1024;
  send({
    type: 'saveDiagram',
    svg,
    ...(fits ? { png } : {}),
    ...(title ? { title: title.slice(0, 200) } : {}),
  });
}

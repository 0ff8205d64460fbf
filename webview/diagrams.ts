/** Renders ```mermaid blocks, loading the mermaid bundle the first time one appears. */

type Mermaid = {
  initialize(config: Record<string, unknown>): void;
  render(id: string, source: string): Promise<{ svg: string }>;
};

let loading: Promise<Mermaid> | undefined;
let counter = 0;

function load(): Promise<Mermaid> {
  return (loading ??= new Promise<Mermaid>((resolve, reject) => {
    const app = document.getElementById('app')!;
    const current = document.querySelector<HTMLScriptElement>('script[nonce]');
    const script = document.createElement('script');
    script.src = app.dataset.mermaid!;
    // The page's CSP admits scripts with its nonce only; the loader passes it on.
    script.nonce = current?.nonce ?? '';
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
      });
      resolve(mermaid);
    };
    script.onerror = () => reject(new Error('could not load the diagram renderer'));
    document.head.appendChild(script);
  }));
}

/** Replaces finished mermaid placeholders under `root` with their SVG; the source stays on failure. */
export async function renderDiagrams(root: HTMLElement): Promise<void> {
  const blocks = [...root.querySelectorAll<HTMLElement>('.mermaid-block:not([data-rendered])')];
  if (blocks.length === 0) return;
  const mermaid = await load();
  for (const block of blocks) {
    block.dataset.rendered = 'pending';
    try {
      const { svg } = await mermaid.render(`diagram-${++counter}`, block.dataset.source ?? '');
      // Shown as an image: the SVG's own styles apply inside it and nothing in it can run.
      const img = document.createElement('img');
      img.className = 'mermaid-diagram';
      img.alt = 'Architecture diagram';
      img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
      // The SVG says width="100%"; its natural size is its viewBox (the stylesheet caps it at the view's width).
      const viewBox = /viewBox="[\d.-]+ [\d.-]+ ([\d.]+) ([\d.]+)"/.exec(svg);
      if (viewBox) img.width = Math.ceil(Number(viewBox[1]));
      block.replaceChildren(img);
      block.dataset.rendered = 'ok';
    } catch {
      block.dataset.rendered = 'failed';
      block.classList.add('mermaid-failed');
    }
  }
}

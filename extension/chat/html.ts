/** The chat webview's page: a strict Content-Security-Policy, one nonce, no inline script or style. */
import { randomUUID } from 'node:crypto';

export interface PageUris {
  cspSource: string;
  script: string;
  mermaid: string;
  styles: string;
  codicons: string;
}

export function chatHtml(uris: PageUris, nonce: string = randomUUID().replace(/-/g, '')): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // The nonce admits the style elements of a diagram while mermaid draws it (webview/diagrams.ts).
    `style-src ${uris.cspSource} 'nonce-${nonce}'`,
    `font-src ${uris.cspSource}`,
    `img-src ${uris.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${uris.codicons}" id="vscode-codicon-stylesheet">
  <link rel="stylesheet" href="${uris.styles}">
  <title>Cloud Engineer</title>
</head>
<body>
  <div id="app" data-mermaid="${uris.mermaid}"></div>
  <script nonce="${nonce}" src="${uris.script}"></script>
</body>
</html>`;
}

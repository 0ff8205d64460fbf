/**
 * A PNG of a rendered diagram, drawn from its SVG on a canvas in the webview (the extension host
 * has no renderer). The SVG goes in as a data: image, which the page's img-src admits; twice the
 * natural size, so the picture stays sharp on high-density screens and in documents.
 */
const SCALE = 2;
/** A canvas this large (per side) is refused by browsers or runs out of memory. */
const MAX_SIDE = 8192;

/** The PNG's base64 (no data: prefix), or undefined when the browser cannot draw it. */
export async function svgToPngBase64(svg: string, background: string): Promise<string | undefined> {
  const img = new Image();
  img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
  try {
    await img.decode();
  } catch {
    return undefined;
  }
  const scale = Math.min(SCALE, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight, 1));
  const width = Math.max(1, Math.round(img.naturalWidth * scale));
  const height = Math.max(1, Math.round(img.naturalHeight * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return undefined;
  // The ground the diagram was drawn for (its theme's): transparent, light lines vanish on white.
  context.fillStyle = background;
  context.fillRect(0, 0, width, height);
  context.drawImage(img, 0, 0, width, height);
  try {
    return canvas.toDataURL('image/png').split(',')[1];
  } catch {
    return undefined; // a tainted canvas: SVG only
  }
}

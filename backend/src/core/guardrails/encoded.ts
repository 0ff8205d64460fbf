/**
 * Secrets wrapped in base64 or hex (`cGFzc3dvcmQ9…` is `password=…`): a run that decodes to
 * readable text is checked like any other text, and redacted whole when that text holds a
 * secret. Random ids, hashes and binary blobs do not decode to readable text and pass.
 */

const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])/g;
const HEX_RUN = /(?<![A-Za-z0-9])(?:[0-9a-fA-F]{2}){12,}(?![A-Za-z0-9])/g;
/** Larger runs are data (images, archives), not a wrapped credential; they are left to the other detectors. */
const MAX_RUN = 8192;

export interface EncodedHit {
  start: number;
  end: number;
  categories: string[];
}

/** `detect` returns the categories found in decoded text. */
export function findEncodedSecrets(text: string, detect: (decoded: string) => string[]): EncodedHit[] {
  const hits: EncodedHit[] = [];
  for (const m of text.matchAll(BASE64_RUN)) {
    if (m[0].length > MAX_RUN || !mayBeBase64Text(m[0])) continue;
    const decoded = readable(Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
    if (!decoded) continue;
    const categories = detect(decoded);
    if (categories.length) hits.push({ start: m.index, end: m.index + m[0].length, categories });
  }
  for (const m of text.matchAll(HEX_RUN)) {
    if (m[0].length > MAX_RUN || !mayBeHexText(m[0])) continue;
    const decoded = readable(Buffer.from(m[0], 'hex'));
    if (!decoded) continue;
    const categories = detect(decoded);
    if (categories.length) hits.push({ start: m.index, end: m.index + m[0].length, categories });
  }
  return hits;
}

/**
 * Base64 of text: every 4 characters hold 3 bytes, and a printable ASCII byte (0x20-0x7e) first in
 * a group always encodes as I-Z or a-f. Most ids and hashes fail this before any decoding.
 */
function mayBeBase64Text(run: string): boolean {
  let misses = 0;
  for (let i = 0; i + 4 <= run.length; i += 4) {
    const c = run.charCodeAt(i);
    if (!((c >= 73 && c <= 90) || (c >= 97 && c <= 102))) misses++;
  }
  return misses <= Math.floor(run.length / 4 / 10);
}

/** Hex of printable ASCII: every byte starts with 2-7. */
function mayBeHexText(run: string): boolean {
  for (let i = 0; i < run.length; i += 2) {
    const c = run.charCodeAt(i);
    if (c < 50 || c > 55) return false;
  }
  return true;
}

/** The bytes as text when they are readable UTF-8 (letters, digits, punctuation, line breaks). */
function readable(bytes: Buffer): string | undefined {
  if (bytes.length < 8) return undefined;
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD')) return undefined;
  let printable = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x20 && c !== 0x7f) || c === 9 || c === 10 || c === 13) printable++;
  }
  return printable / text.length >= 0.95 ? text : undefined;
}

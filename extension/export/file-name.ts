/** A file name from a session title for the Save As… dialog: safe on Windows, macOS and Linux. */

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_STEM = 80;

/** `title` as `<stem>.md`: no path separators, control or reserved characters, no dot files. */
export function exportFileName(title: string, fallback = 'conversation'): string {
  let stem = title
    .normalize('NFC')
    // Separators, characters Windows forbids, and control characters (incl. bidi overrides).
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    // No leading dots ("..", ".bashrc") and no trailing dots or spaces (Windows drops them).
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (stem.length > MAX_STEM)
    stem = [...stem]
      .slice(0, MAX_STEM)
      .join('')
      .replace(/[.\s]+$/, '');
  if (!stem || RESERVED.test(stem)) stem = stem ? `${stem}-${fallback}` : fallback;
  return `${stem}.md`;
}

/** File names from titles for save dialogs: safe on Windows, macOS and Linux. No `vscode`. */

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const MAX_STEM = 80;

/** `<stem>.<extension>` from `title`: no path separators, control, bidi or reserved names, no dot files. */
export function safeFileName(title: string, extension: string, fallback: string): string {
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
  return `${stem}.${extension}`;
}

/** The default name Export Conversation… proposes. */
export function exportFileName(title: string): string {
  return safeFileName(title, 'md', 'conversation');
}

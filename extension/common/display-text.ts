/**
 * Text from a stranger (a server's model names, a token's groups) made fit for a quick pick, a
 * status bar or a message: control, format (bidi, zero-width) and unassigned characters become
 * spaces, `$(` cannot become a codicon, runs of space collapse, and the length is capped.
 */
export function displayText(text: unknown, max = 80): string {
  if (typeof text !== 'string') return '';
  const clean = text
    .replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/\$\(/g, '$ (') // no codicon syntax from a stranger
    .replace(/\s+/g, ' ')
    .trim();
  return [...clean].length > max ? `${[...clean].slice(0, max - 1).join('')}…` : clean;
}

/**
 * Private-key blocks: PEM (RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8, PGP) and PuTTY's
 * `Private-Lines:` section. A block is secret from its opening line to its closing line; one
 * that never closes is secret to the end of the text. Read on folded text (see normalize.ts),
 * so dashes, spaces and letters are plain ASCII; case and dash counts are lenient on purpose.
 * A run of dashes is only read from its first dash (`(?<!-)`): linear on a line of 10,000.
 */

/** The line that opens a private-key block. */
export const KEY_OPEN =
  /(?<!-)-{3,}[ \t]*BEGIN[ \tA-Z0-9]{0,40}PRIVATE[ \t]+KEY(?:[ \t]+BLOCK)?[ \t]*-{3,}|PuTTY-User-Key-File-\d+:|Private-Lines:[ \t]*\d+/gi;

/** The line that closes one; its dashes run to the first character that is not a dash. */
export const KEY_CLOSE =
  /(?<!-)-{3,}[ \t]*END[ \tA-Z0-9]{0,40}PRIVATE[ \t]+KEY(?:[ \t]+BLOCK)?[ \t]*-{3,}(?!-)|Private-MAC:[ \t]*[0-9a-f]+(?![0-9a-z])/gi;

/**
 * The start of what could still become an opening line, at the end of the text: held back until
 * it is one or is not (`-----BEGIN RSA PRI`, `---`, `Private-Li`).
 */
export const KEY_OPEN_PREFIX =
  /(?:(?<!-)-+[ \t]*(?:B(?:E(?:G(?:I(?:N(?:[ \tA-Z0-9]{0,48}-*)?)?)?)?)?)?|P(?:r(?:i(?:v(?:a(?:t(?:e(?:-(?:L(?:i(?:n(?:e(?:s(?::[ \t]*\d*)?)?)?)?)?)?)?)?)?)?)?)?)?|PuTTY-User-Key-File-\d*)$/i;

/** The whole block, closed or running to the end: for redacting a complete text. */
export const KEY_BLOCK = new RegExp(
  `(?:${KEY_OPEN.source})(?:[\\s\\S]*?(?:${KEY_CLOSE.source})|[\\s\\S]*$)`,
  'gi',
);

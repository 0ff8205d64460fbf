/**
 * The company identity provider the hosted UI goes straight to (`identity_provider` on the authorize
 * URL). The name comes from an outputs file or settings.json, so it is checked against Cognito's own
 * rule before it is used. No `vscode`: unit-tested.
 */

/**
 * Cognito's ProviderName: at most 32 characters matching `[^_\p{Z}][\p{L}\p{M}\p{S}\p{N}\p{P}][^_\p{Z}]+`.
 * Stricter here in one way: Cognito's negated classes would admit control and invisible characters
 * (a newline is not \p{Z}), which no real provider name holds, so every character must be a letter,
 * mark, symbol, number or punctuation.
 */
const PROVIDER_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{3,32}$/u;

/** Why `name` cannot be a Cognito identity provider's name, or undefined when it can. */
export function identityProviderProblem(name: string): string | undefined {
  if (!PROVIDER_NAME.test(name))
    return 'an identity provider name is 3 to 32 letters, digits or punctuation, without spaces or control characters';
  // Federated users are named `<provider>_<id>`: Cognito allows an underscore only as the second character.
  if (name.startsWith('_') || name.slice(2).includes('_'))
    return 'an identity provider name has no underscore (except as its second character)';
  // Cognito would take these, but an editor that decodes the URL before opening it would read them
  // as the query's own syntax: the name could then add or replace a parameter (redirect_uri).
  if (/[&=#%+?]/.test(name)) return 'an identity provider name here has none of & = # % + ?';
  return undefined;
}

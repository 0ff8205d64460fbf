/**
 * Labeled credentials: `name: value`, `name=value`, `"name": "value"`, `--name value`, where the
 * name's last word says secret (`DB_PASSWORD`, `db-pass`, `clientSecret`, `x-api-key`,
 * `auth_token`, `SecretString`). Pagination and idempotency tokens, ids, ARNs, names and
 * references to a secret (`!Ref`, `${VAR}`, `{{resolve:…}}`, `process.env.X`) are not secrets.
 */

/** Words a secret's name ends with. */
const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'passcode',
  'pwd',
  'pass',
  'secret',
  'secrets',
  'token',
  'apikey',
  'credential',
  'credentials',
  'pat',
]);
/** Two-word names (`api key`, `private key`); `access key` is left out: it names the key id. */
const SECRET_PAIRS = new Set([
  'api key',
  'secret key',
  'private key',
  'signing key',
  'encryption key',
  'master key',
  'auth key',
  'account key',
  'shared key',
  'session key',
  'app key',
  'client key',
  'secret string',
  'secret binary',
  'connection string',
  'conn str',
]);
/** `NextToken`, `ClientToken`, `csrf`: tokens that are not credentials. */
const NOT_SECRET_TOKENS = new Set([
  'next',
  'continuation',
  'pagination',
  'page',
  'client',
  'idempotency',
  'starting',
  'sync',
  'cancel',
  'max',
  'input',
  'output',
  'total',
  'cache',
  'bypass',
]);
const GLUED_PASS = /^(?:db|root|admin|user|sql|mysql|pg|redis|smtp|ftp|mail|ldap|app|master|my)pass$/;

/** Does this name label a secret? */
export function isSecretLabel(label: string): boolean {
  const words = label
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words[words.length - 1];
  if (!last) return false;
  const pair = words.slice(-2).join(' ');
  if (SECRET_PAIRS.has(pair)) return true;
  if (last === 'token' || last === 'tokens')
    return last === 'token' && !(words.length > 1 && NOT_SECRET_TOKENS.has(words[words.length - 2]!));
  if (SECRET_WORDS.has(last) || GLUED_PASS.test(last)) return true;
  // One glued word: DBPASSWORD, PGPASSWORD, MYSQL_PWD's cousins, APIKEY, authtoken.
  return /(?:password|passwd|passphrase|secret|apikey|authtoken|accesstoken|refreshtoken|sessiontoken)$/.test(
    last,
  );
}

/** Values that point at a secret rather than hold it. */
const REFERENCE =
  /^(?:!(?:Ref|GetAtt|Sub|ImportValue|Join|Select|If|FindInMap|Base64)\b|\$\{|\$\(|\$[A-Za-z_]\w*$|%\(|%[A-Za-z_]\w*%$|\{\{|\{[A-Za-z_][\w.]*\}$|<[^>]*>$|\\?\[REDACTED|(?:arn|ssm|resolve|secretsmanager|file|env|vault|op|kms):|(?:process\.env|os\.environ|os\.getenv)\b|(?:config|settings|this|self|props|args|params|secrets|vars|input|data|context|env|options|opts)\.|[A-Za-z_$][\w$.]*\(|[A-Z]\w*[<[])/;
/** Placeholders, types and masks. */
const PLACEHOLDER =
  /^(?:string|str|number|int|integer|boolean|bool|null|none|nil|undefined|true|false|required|optional|redacted|hidden|masked|sensitive|secret|password|example|placeholder|your[\w-]*|x{3,}|[.*•#x-]+)$/i;

export function isSecretValue(value: string): boolean {
  return !REFERENCE.test(value) && !PLACEHOLDER.test(value);
}

/**
 * What the built-in policy finds: personal data and secrets, read on folded text (see
 * normalize.ts). Built to leave infrastructure alone: AWS account ids (12 digits), ARNs, resource
 * ids (vpc-, sg-, i-, subnet-…), access key ids, IP addresses and CIDRs, UUIDs, dates and
 * versions match nothing here. The labeled corpus in test/ holds us to that.
 */
import { findCards } from './cards';
import { KEY_BLOCK } from './key-blocks';
import { isSecretLabel, isSecretValue } from './labels';

export type Category =
  | 'email'
  | 'phone'
  | 'ssn'
  | 'payment_card'
  | 'aws_secret_key'
  | 'aws_session_token'
  | 'private_key'
  | 'bearer_token'
  | 'credential';

export interface PatternDetector {
  category: Category;
  /** A cheap test that must pass before the pattern runs (most text holds nothing to find). */
  hint?: RegExp;
  /** Global regex; a match is redacted unless `accept` rejects it. */
  pattern: RegExp;
  accept?: (match: RegExpMatchArray) => boolean;
  /** The part of the match to replace (default: all of it); for `key: value` keep the key. */
  group?: number;
}

export interface ScanDetector {
  category: Category;
  hint?: RegExp;
  scan: (text: string) => { start: number; end: number }[];
}

export type Detector = PatternDetector | ScanDetector;

/** `name: value`, `"name": "value"`, `name=value`, `name => value`, JSON-in-JSON (`\"name\":\"value\"`). */
const LABELED =
  /(?<![\w.:/])([A-Za-z][\w.-]{0,60}?)(\\?["']?[ \t]{0,8}(?:[:=]|=>|:=)[ \t]{0,8})(\\?["']?)([^\s"'`,;\\]{6,})/g;

export const DETECTORS: readonly Detector[] = [
  { category: 'private_key', hint: /---|Private-|PuTTY/i, pattern: KEY_BLOCK },
  {
    category: 'credential',
    // The password in a connection URL: postgres://app:s3cret@db.example.com/app.
    hint: /:\/\/[^\s]*@/,
    pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@'"]+:([^\s@/'"]+)@/gi,
    accept: (m) => isSecretValue(m[1]!),
    group: 1,
  },
  { category: 'bearer_token', hint: /Bearer/, pattern: /\bBearer\s+[A-Za-z0-9\-._~+/]{16,}=*/g },
  {
    category: 'credential',
    hint: /Authorization/i,
    pattern:
      /\b(?:Proxy-)?Authorization["']?\s*[:=]\s*["']?(?:Basic|Token|Digest)\s+([A-Za-z0-9+/=._~-]{8,})/gi,
    group: 1,
  },
  {
    category: 'bearer_token',
    hint: /eyJ/,
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  },
  {
    category: 'credential',
    // Token formats that announce themselves: GitHub, GitLab, Slack, Stripe, Google, OpenAI/Anthropic, npm, SendGrid.
    hint: /gh[pousr]_|github_pat_|glpat-|xox|k_(?:live|test)_|AIza|sk-|npm_|SG\./,
    pattern:
      /(?<![A-Za-z0-9_-])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}|glpat-[A-Za-z0-9_-]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_-]{35}|sk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}|npm_[A-Za-z0-9]{36}|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,})/g,
  },
  {
    category: 'aws_secret_key',
    hint: /secret/i,
    pattern:
      /(aws_?secret_?access_?key|secret_?access_?key|SecretAccessKey|aws_?secret(?:_?key)?|secret_?key)(\\?["']?\s*[:=]\s*\\?["']?|\s+(?:is\s+)?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 3,
  },
  {
    category: 'aws_secret_key',
    // Without a label: 40 base64 characters that look random, which hex hashes, ids and names never do.
    hint: /[A-Za-z0-9/+]{40}/,
    pattern: /(?<![A-Za-z0-9/+=_-])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_-])/g,
    accept: (m) => looksLikeSecretKey(m[0]),
  },
  {
    category: 'aws_session_token',
    // STS session tokens start with the same few bytes, whatever the label.
    hint: /IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz/,
    pattern: /(?<![A-Za-z0-9+/])(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9+/]{40,}={0,2}/g,
  },
  {
    category: 'credential',
    hint: /[:=]/,
    pattern: LABELED,
    accept: (m) => isSecretLabel(m[1]!) && isSecretValue(m[4]!),
    group: 4,
  },
  {
    category: 'credential',
    // <password>…</password>
    hint: /<\//,
    pattern: /<([A-Za-z][\w.:-]{0,40})>([^<\s]{6,})<\/\1>/g,
    accept: (m) => isSecretLabel(m[1]!) && isSecretValue(m[2]!),
    group: 2,
  },
  {
    category: 'credential',
    // --db-password s3cret (the --name=value form is the labeled one above)
    hint: /(?:^|\s)--?[A-Za-z]/,
    pattern: /(?<![\w-])--?([A-Za-z][\w-]{1,40})[ \t]+(["']?)([^\s"'-][^\s"']{5,})\2/g,
    accept: (m) => isSecretLabel(m[1]!) && isSecretValue(m[3]!),
    group: 3,
  },
  {
    category: 'email',
    hint: /@|[[({]at[\])}]/i,
    pattern:
      /(?<![\w.+-])[A-Za-z0-9._%+-]+(?:@|[[({]at[\])}])[A-Za-z0-9-]+(?:(?:\.|[[({]dot[\])}])[A-Za-z0-9-]+)*(?:\.|[[({]dot[\])}])[A-Za-z]{2,}(?![\w-])/gi,
  },
  {
    category: 'ssn',
    hint: /\d{3}/,
    pattern: /(?<![\w-])(?!000|666|9\d\d)\d{3} ?-+ ?(?!00)\d{2} ?-+ ?(?!0000)\d{4}(?![\w-])/g,
  },
  {
    category: 'ssn',
    // Spaces or dots only with a label: `SSN 123 45 6789`.
    hint: /ssn|social/i,
    pattern:
      /\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?)\W{0,12}((?!000|666|9\d\d)\d{3}[ .]+(?!00)\d{2}[ .]+(?!0000)\d{4})(?![\w-])/gi,
    group: 1,
  },
  { category: 'payment_card', scan: findCards },
  {
    category: 'phone',
    hint: /\d{3}/,
    // 555-123-4567, (555) 123 4567, or any grouping after a country code (+44 20 7946 0958); bare digit
    // runs are ids, and 3306 5432 6379 is a list of ports.
    pattern:
      /(?<![\w.:/-])(?:\+\d{1,3}[ .-]{0,3}(?:\(\d{1,4}\)|\d{1,4})[ .-]{1,3}\d{3,4}|(?:\(\d{3}\)|\d{3})[ .-]{1,3}\d{3})[ .-]{1,3}\d{4}(?![\w:/-]|\.\w)/g,
    accept: (m) => !/^\d{4}-\d{2}-\d{2}/.test(m[0]) && m[0].replace(/\D/g, '').length >= 10,
  },
];

/**
 * 40 characters of base64 with upper case, lower case and digits. A `/` or `+` settles it; without
 * one, the mix must look random: names and CDK logical ids read as words (long same-case runs,
 * vowels), random keys switch case and class all the time.
 */
export function looksLikeSecretKey(s: string): boolean {
  if (!/[A-Z]/.test(s) || !/[a-z]/.test(s) || !/\d/.test(s)) return false;
  if (/[/+]/.test(s)) return true;
  let switches = 0;
  for (let i = 1; i < s.length; i++) if (charClass(s[i]!) !== charClass(s[i - 1]!)) switches++;
  const letters = s.replace(/[^A-Za-z]/g, '');
  const vowels = letters.replace(/[^aeiouAEIOU]/g, '').length / letters.length;
  const longestLower = Math.max(...(s.match(/[a-z]+/g) ?? ['']).map((r) => r.length));
  // Tuned on random keys (99% kept) against CDK logical ids and CamelCase names (all left alone).
  return (vowels < 0.3 && switches >= 12) || (vowels < 0.4 && switches >= 20 && longestLower <= 5);
}

function charClass(c: string): number {
  return c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : 2;
}

/** Phrases that try to steer the model from inside data. */
export const INJECTION_MARKERS: readonly RegExp[] = [
  /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)*(?:previous|prior|above|earlier|system)\s+(?:instructions?|prompts?|rules|messages?|directions?)/gi,
  /\byou\s+are\s+now\s+(?:a|an|in|the)\b[^.\n]{0,60}/gi,
  /\bnew\s+(?:system\s+)?instructions?\s*:/gi,
  /<\/?\s*(?:system|assistant|instructions?|im_start|im_end)\s*>|<\|im_(?:start|end)\|>/gi,
  /\b(?:do\s+not|don't|never)\s+(?:tell|inform|alert|show)\s+the\s+user\b/gi,
  /\b(?:reveal|print|repeat|output)\s+(?:your|the)\s+(?:system\s+prompt|instructions|hidden\s+prompt)/gi,
  /\b(?:call|invoke|run|use)\s+the\s+(?:tool\s+)?[`"']?(?:cloudformation_delete_stack|cloudformation_execute_change_set|cloudformation_plan_change)\b/gi,
];

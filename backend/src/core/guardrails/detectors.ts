/**
 * What the built-in policy finds: personal data and secrets. Built to leave infrastructure alone:
 * AWS account ids (12 digits, no separators), ARNs, resource ids (hex), IP addresses and CIDRs,
 * dates and versions do not match any pattern here. The labeled corpus in test/ holds us to that.
 */

export type Category =
  | 'email'
  | 'phone'
  | 'ssn'
  | 'payment_card'
  | 'aws_secret_key'
  | 'private_key'
  | 'bearer_token'
  | 'credential';

export interface Detector {
  category: Category;
  /** Global regex; a match is redacted whole unless `accept` rejects it. */
  pattern: RegExp;
  accept?: (match: string) => boolean;
  /** The part of the match to replace (default: all of it); for `key: value` keep the key. */
  group?: number;
}

export const DETECTORS: readonly Detector[] = [
  {
    category: 'private_key',
    // Unterminated blocks too: a key cut off mid-stream is still a key.
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|[\s\S]*$)/g,
  },
  { category: 'bearer_token', pattern: /\bBearer\s+[A-Za-z0-9\-._~+/]{16,}=*/g },
  { category: 'bearer_token', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  {
    category: 'aws_secret_key',
    pattern:
      /(aws_?secret_?access_?key|secret_?access_?key|SecretAccessKey|aws_?secret)(["']?\s*[:=]\s*["']?|\s+(?:is\s+)?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
    group: 3,
  },
  {
    category: 'aws_secret_key',
    // Without a label: 40 base64 characters with upper, lower and digits, which hex hashes and ids never are.
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    accept: (m) => /[A-Z]/.test(m) && /[a-z]/.test(m) && /\d/.test(m) && /[/+]/.test(m),
  },
  {
    category: 'credential',
    // Not \b: DB_PASSWORD and MY_API_KEY count, their underscore is a word character.
    pattern:
      /(?<![A-Za-z])(password|passwd|pwd|client_secret|api[_-]?key|secret[_-]?key|auth[_-]?token|session[_-]?token)(["']?\s*[:=]\s*)(["']?)([^\s"',;]{8,})\3/gi,
    accept: (m) => !/[:=]\s*["']?(?:[!$<{*]|\[REDACTED)/.test(m),
    group: 4,
  },
  {
    category: 'email',
    pattern: /(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])/g,
  },
  {
    category: 'ssn',
    pattern: /(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])/g,
  },
  {
    category: 'payment_card',
    pattern: /(?<![\w.:/-])(?:\d[ -]?){12,18}\d(?![\w:/-]|\.\w)/g,
    accept: (m) => {
      const digits = m.replace(/[ -]/g, '');
      return (
        digits.length >= 13 &&
        digits.length <= 19 &&
        /^(4|5[1-5]|2[2-7]|3[47]|6(011|5))/.test(digits) &&
        luhn(digits)
      );
    },
  },
  {
    category: 'phone',
    // Grouped numbers (555-123-4567, (555) 123 4567, +1 555.123.4567, +44 20 7946 0958); bare digit runs are ids.
    pattern:
      /(?<![\w.:/-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)|\d{2,4})[ .-]\d{3,4}[ .-]\d{4}(?![\w:/-]|\.\w)/g,
    accept: (m) => !/^\d{4}-\d{2}-\d{2}/.test(m) && m.replace(/\D/g, '').length >= 10,
  },
];

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
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

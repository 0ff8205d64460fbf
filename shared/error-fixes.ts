/**
 * What fixes a failure: the buttons of an error banner by its code, the setup step of a problem
 * found before the first question, and when a spent daily budget renews.
 */
import type { FailureCode } from '../backend/src/protocol';
import type { ErrorAction, SetupKind } from './conversation-items';

/** The buttons an error banner offers, by what would fix it. */
export function actionsFor(code: FailureCode, retryable: boolean): ErrorAction[] {
  return [...FIXES[code], ...(retryable || code === 'unreachable' ? (['retry'] as const) : []), 'showLogs'];
}

/** What fixes each code, before Retry and Show Logs: every code has an entry, so a new one must say. */
const FIXES: Record<FailureCode, ErrorAction[]> = {
  unauthorized: ['signIn'],
  forbidden: ['configure'],
  not_configured: ['configure'],
  unreachable: ['configure'],
  aws_credentials: ['configure'],
  model_access_denied: ['configure'],
  model_rejected: ['configure'],
  invalid_request: [],
  not_found: [],
  method_not_allowed: [],
  payload_too_large: [],
  throttled: [],
  internal: [],
  unavailable: [],
  // Set Model API Key… and Select Model… live in the configure step of local mode.
  model_auth: ['configure'],
  model_not_found: ['configure'],
  context_too_long: [],
  // Nothing fixes a spent budget but the next day: the banner offers Retry once it renews.
  quota_exceeded: [],
};

/**
 * When a `quota_exceeded` refusal's budget renews: `Retry-After` seconds from `now` when the
 * response had it, else the next UTC midnight (the budget is per UTC day).
 */
export function quotaRenewsAt(now: Date, retryAfterSeconds?: number): Date {
  if (retryAfterSeconds !== undefined && Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0)
    // A day at most: a larger value is not this budget's.
    return new Date(now.getTime() + Math.min(retryAfterSeconds, 86_400) * 1000);
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** The setup step for a problem a preflight finds; none for a problem that waits for the first question. */
export function setupStepFor(code: FailureCode): SetupKind | undefined {
  return SETUP_STEPS[code];
}

const SETUP_STEPS: Partial<Record<FailureCode, SetupKind>> = {
  aws_credentials: 'awsCredentials',
  model_auth: 'modelKey',
  not_configured: 'selectModel',
  model_not_found: 'selectModel',
  unreachable: 'serverDown',
};

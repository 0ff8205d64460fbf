/**
 * Errors that mean "this service is not turned on for the account", as a sentence the model can
 * pass on, instead of an SDK error dump. Matched by the error's name, which is the service's
 * exception type.
 */
import { ToolError } from './types';

const SENTENCES: Record<string, string> = {
  // Security Hub: not subscribed in this region.
  InvalidAccessException: 'is not enabled in this account and region',
  // AWS Health API needs a Business, Enterprise On-Ramp or Enterprise support plan.
  SubscriptionRequiredException: 'needs a Business, Enterprise On-Ramp or Enterprise support plan',
  // Compute Optimizer: the account has not opted in.
  OptInRequiredException: 'is not opted in for this account',
  NoSuchConfigurationRecorderException: 'has no configuration recorder in this region',
  NoAvailableConfigurationRecorderException: 'has no configuration recorder in this region',
};

/** Rethrows `error` as a plain-sentence ToolError when it says the service is off; else as is. */
export function explainDisabled(service: string, region: string, error: unknown): never {
  const name = (error as { name?: string })?.name ?? '';
  const sentence = SENTENCES[name];
  if (sentence) throw new ToolError(`${service} ${sentence} (${region}). Enable it to use this check.`);
  throw error;
}

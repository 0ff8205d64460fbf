/** Turns what the model call threw into the stream's `error` event fields. */
import type { FailureCode } from '../../protocol';

export interface ModelFailure {
  code: FailureCode;
  message: string;
  retryable: boolean;
  /** Worth another attempt before anything has streamed to the client. */
  retryNow: boolean;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'ServiceQuotaExceededException',
  'TooManyRequestsException',
]);
const UNAVAILABLE = new Set([
  'ServiceUnavailableException',
  'InternalServerException',
  'ModelNotReadyException',
  'ModelTimeoutException',
  'ModelStreamErrorException',
  'ModelErrorException',
]);

export function classifyModelError(error: unknown): ModelFailure {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const awsMessage = safeMessage(error);
  if (THROTTLING.has(name)) {
    return {
      code: 'throttled',
      message: 'The model is throttling requests; try again shortly.',
      retryable: true,
      retryNow: true,
    };
  }
  if (UNAVAILABLE.has(name)) {
    return {
      code: 'unavailable',
      message: `The model is unavailable (${name}).`,
      retryable: true,
      retryNow: name !== 'ModelStreamErrorException',
    };
  }
  if (name === 'AccessDeniedException') {
    return {
      code: 'model_access_denied',
      message: `Bedrock refused the model call: check model access and IAM permissions. ${awsMessage}`.trim(),
      retryable: false,
      retryNow: false,
    };
  }
  if (name === 'ValidationException' || name === 'ResourceNotFoundException') {
    return {
      code: 'model_rejected',
      message: `Bedrock rejected the request: ${awsMessage}`.trim(),
      retryable: false,
      retryNow: false,
    };
  }
  if (
    name === 'CredentialsProviderError' ||
    name === 'ExpiredTokenException' ||
    name === 'UnrecognizedClientException'
  ) {
    return {
      code: 'aws_credentials',
      message:
        'No usable AWS credentials for Bedrock: sign in to AWS (profile, SSO or environment) and retry.',
      retryable: false,
      retryNow: false,
    };
  }
  // Connection resets, DNS failures and the like: the service never answered.
  const code = (error as { code?: string } | undefined)?.code ?? '';
  if (/^(ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|ERR_HTTP2)/.test(code) || name === 'TimeoutError') {
    return {
      code: 'unavailable',
      message: 'Could not reach the model endpoint.',
      retryable: true,
      retryNow: true,
    };
  }
  return {
    code: 'internal',
    message: 'The model call failed unexpectedly.',
    retryable: true,
    retryNow: false,
  };
}

/** AWS service messages name the problem, never credentials; still cap them and keep one line. */
function safeMessage(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message.replace(/\s+/g, ' ').slice(0, 300) : '';
}

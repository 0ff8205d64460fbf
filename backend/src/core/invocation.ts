/**
 * What every HTTP-shaped host does with a request once it has the method and path right:
 * authenticate, enforce the body limit, parse JSON, run the action. Hosts only adapt transport.
 */
import { BODY_LIMIT_BYTES } from '../protocol';
import type { Actor, Authenticator } from './auth/authenticator';
import { InvalidRequestError, PayloadTooLargeError } from './errors';
import type { AgentService, InvocationResult } from './service';

export type { InvocationResult };

export interface Backend {
  service: AgentService;
  auth: Authenticator;
}

export async function authenticate(backend: Backend, authorization: string | undefined): Promise<Actor> {
  return backend.auth.authenticate(authorization);
}

export function parseBody(body: string | Buffer): unknown {
  const size = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (size > BODY_LIMIT_BYTES) throw new PayloadTooLargeError(`body is over ${BODY_LIMIT_BYTES / 1024} KiB`);
  const text = typeof body === 'string' ? body : body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError('the body is not valid JSON');
  }
}

export async function handleInvocation(
  backend: Backend,
  actor: Actor,
  body: string | Buffer,
  signal: AbortSignal,
): Promise<InvocationResult> {
  return backend.service.invoke(actor, parseBody(body), signal);
}

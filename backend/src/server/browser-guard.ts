/**
 * With AUTH_MODE=none the loopback server trusts whoever reaches it, and a web page in the user's
 * browser can reach it too: a cross-site `text/plain` or form POST needs no preflight, and after
 * DNS rebinding a page's own origin resolves to 127.0.0.1. So only requests no browser can forge
 * cross-site are served: a `Host` that is a loopback name with the bound port, no foreign
 * `Origin`, and a JSON content type on POST (which a cross-site page can only send after a CORS
 * preflight, and no preflight is ever granted). `curl` and Node's `fetch` send all of that.
 */
import type { IncomingHttpHeaders } from 'node:http';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Why the request could have come from a web page, or undefined when it could not. `invocation`:
 * the request would run an action, so its body must be declared JSON.
 */
export function browserForgeryReason(
  method: string | undefined,
  headers: IncomingHttpHeaders,
  boundPort: number | undefined,
  invocation = true,
  rawHeaders: readonly string[] = [],
): string | undefined {
  if (method === 'OPTIONS') return 'cross-origin requests are not served';
  // Node keeps only the first of several Host lines; which one a proxy or cache used is unknown.
  if (rawHeaders.filter((name, i) => i % 2 === 0 && name.toLowerCase() === 'host').length > 1)
    return 'send one Host header';
  const host = parseHost(headers.host);
  if (!host || !LOOPBACK_NAMES.has(host.name) || host.port !== boundPort)
    return 'the Host header must name this loopback server (127.0.0.1, localhost or [::1] with its port)';
  const origin = headers.origin;
  if (origin !== undefined && !isSameOrigin(origin, boundPort))
    return 'requests from a web page are not served without authentication';
  // Browsers label every request; anything but the user's own navigation or same origin is a page.
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return 'requests from a web page are not served without authentication';
  if (invocation && method === 'POST' && mediaType(headers['content-type']) !== 'application/json')
    return 'send Content-Type: application/json';
  return undefined;
}

function parseHost(value: string | undefined): { name: string; port: number } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(value?.trim() ?? '');
  if (!match) return undefined;
  return { name: match[1]!.toLowerCase(), port: match[2] !== undefined ? Number(match[2]) : 80 };
}

function isSameOrigin(origin: string, boundPort: number | undefined): boolean {
  const match = /^http:\/\/(.+)$/i.exec(origin.trim());
  const host = match ? parseHost(match[1]) : undefined;
  return host !== undefined && LOOPBACK_NAMES.has(host.name) && host.port === boundPort;
}

function mediaType(value: string | undefined): string {
  return (value ?? '').split(';')[0]!.trim().toLowerCase();
}

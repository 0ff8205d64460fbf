/**
 * A `fetch` for the MCP transport that stops reading a response past a byte limit, so a server
 * cannot fill the backend's memory with one answer. Redirects pass untouched: the SDK decides
 * whether to follow them.
 */
import { CloudEngineerError } from '../../protocol';

/** The server answered past the cap: to the backend, a dependency that cannot be used as it is. */
export class McpResponseTooLargeError extends CloudEngineerError {
  override readonly name = 'McpResponseTooLargeError';
  readonly code = 'unavailable';
}

export function cappedFetch(maxBytes: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    if (!response.body || (response.status >= 300 && response.status < 400)) return response;
    let seen = 0;
    const limit = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes)
          controller.error(new McpResponseTooLargeError(`the MCP server's answer is over ${maxBytes} bytes`));
        else controller.enqueue(chunk);
      },
    });
    const capped = new Response(response.body.pipeThrough(limit), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    // The SDK names redirect targets from the response's URL.
    Object.defineProperty(capped, 'url', { value: response.url });
    return capped;
  };
}

/**
 * OpenTelemetry spans over OTLP/HTTP, only when an endpoint is configured. A turn's spans are
 * recorded as plain objects while it runs and handed to the SDK when it ends, with their real
 * start and end times: the SDK is imported on the first export, never on a host that does not
 * trace, and nothing on the answer's path waits for it.
 */

export type SpanAttributes = Record<string, string | number | boolean>;

export interface SpanRecord {
  name: string;
  /** Milliseconds since the epoch. */
  startTime: number;
  endTime: number;
  attributes: SpanAttributes;
  error?: boolean;
  children: SpanRecord[];
}

export interface SpanExport {
  /** Exports one finished tree of spans (a turn and its model and tool calls). */
  export(root: SpanRecord): void;
  /** Waits until everything handed over so far has been sent. */
  flush(): Promise<void>;
}

export interface OtlpOptions {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL; traces go to `<endpoint>/v1/traces`. */
  endpoint: string;
  serviceName: string;
  onError?: (error: unknown) => void;
}

type Sdk = {
  api: typeof import('@opentelemetry/api');
  tracer: import('@opentelemetry/api').Tracer;
  provider: import('@opentelemetry/sdk-trace-base').BasicTracerProvider;
};

export function createOtlpExport(options: OtlpOptions): SpanExport {
  let sdk: Promise<Sdk> | undefined;
  const load = () =>
    (sdk ??= (async () => {
      const [api, base, otlp, resources] = await Promise.all([
        import('@opentelemetry/api'),
        import('@opentelemetry/sdk-trace-base'),
        import('@opentelemetry/exporter-trace-otlp-http'),
        import('@opentelemetry/resources'),
      ]);
      const exporter = new otlp.OTLPTraceExporter({ url: tracesUrl(options.endpoint) });
      const provider = new base.BasicTracerProvider({
        resource: resources.resourceFromAttributes({ 'service.name': options.serviceName }),
        spanProcessors: [new base.BatchSpanProcessor(exporter)],
      });
      return { api, provider, tracer: provider.getTracer('cloud-engineer') };
    })());
  const inFlight = new Set<Promise<void>>();

  return {
    export(root) {
      const done = load()
        .then(async ({ api, tracer, provider }) => {
          emit(api, tracer, root, api.context.active());
          // One request per turn: a Lambda may be frozen right after the answer.
          await provider.forceFlush();
        })
        .catch((error: unknown) => options.onError?.(error))
        .finally(() => inFlight.delete(done));
      inFlight.add(done);
    },
    async flush() {
      await Promise.all([...inFlight]);
      if (sdk) await (await sdk).provider.forceFlush();
    },
  };
}

function emit(
  api: Sdk['api'],
  tracer: Sdk['tracer'],
  record: SpanRecord,
  parent: import('@opentelemetry/api').Context,
): void {
  const span = tracer.startSpan(
    record.name,
    { startTime: record.startTime, attributes: record.attributes },
    parent,
  );
  if (record.error) span.setStatus({ code: api.SpanStatusCode.ERROR });
  const context = api.trace.setSpan(parent, span);
  for (const child of record.children) emit(api, tracer, child, context);
  span.end(record.endTime);
}

/** The OTLP rule for the generic endpoint variable: the signal's path is appended. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

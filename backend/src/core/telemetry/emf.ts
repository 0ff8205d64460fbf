/**
 * CloudWatch embedded metric format: one JSON line per set of dimensions, which CloudWatch Logs
 * turns into metrics (on Lambda and AgentCore, stdout is the log stream). Written by hand rather
 * than with Powertools: each metric here has its own dimensions (tool and outcome, source and
 * category, code), which is one document each, and lines must go to an injected sink in tests.
 */
import { METRICS_NAMESPACE, SERVICE_DIMENSION } from './metric-names';

export type MetricSink = (line: string) => void;
export type MetricUnit = 'Count' | 'Milliseconds';

export interface MetricValue {
  name: string;
  value: number;
  unit: MetricUnit;
}

/** A dimension value that is a name, not text: anything else becomes `other`. */
export function dimensionValue(value: string | undefined): string {
  return value !== undefined && /^[A-Za-z0-9][\w.:-]{0,63}$/.test(value) ? value : 'other';
}

/**
 * One EMF document: `Service` plus `dimensions`, each metric a top-level member. A broken-down
 * metric is also published under `Service` alone, the series the dashboard's totals and the
 * alarms read (an error rate needs all errors, whatever their code).
 */
export function emfLine(
  dimensions: Record<string, string>,
  metrics: MetricValue[],
  timestamp: number,
): string {
  const dims = { ...SERVICE_DIMENSION, ...dimensions };
  const doc: Record<string, unknown> = {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions:
            Object.keys(dims).length > 1
              ? [Object.keys(SERVICE_DIMENSION), Object.keys(dims)]
              : [Object.keys(dims)],
          Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    ...dims,
  };
  for (const m of metrics) doc[m.name] = m.value;
  return `${JSON.stringify(doc)}\n`;
}

/** Counts keyed by a set of dimensions, written as one document per set. */
export class DimensionCounter {
  private readonly counts = new Map<string, { dims: Record<string, string>; n: number }>();

  add(dims: Record<string, string>, n = 1): void {
    const key = JSON.stringify(dims);
    const entry = this.counts.get(key);
    if (entry) entry.n += n;
    else this.counts.set(key, { dims, n });
  }

  write(sink: MetricSink, metric: string, timestamp: number): void {
    for (const { dims, n } of this.counts.values())
      sink(emfLine(dims, [{ name: metric, value: n, unit: 'Count' }], timestamp));
  }
}

export const stdoutSink: MetricSink = (line) => void process.stdout.write(line);

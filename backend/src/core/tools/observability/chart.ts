/** A metric series as a mermaid `xychart-beta` line chart: people see a spike faster than they read one. */

export interface Point {
  at: Date;
  value: number;
}

const MAX_POINTS = 60;

/** At most 60 points (averaged buckets), labels as UTC HH:MM (or MM-DD across days). */
export function xyChart(title: string, unit: string, points: Point[]): string {
  const series = downsample(points, MAX_POINTS);
  const spansDays =
    series.length > 1 && series.at(-1)!.at.getTime() - series[0]!.at.getTime() > 24 * 3600_000;
  const label = (d: Date) =>
    spansDays
      ? d.toISOString().slice(5, 10) + ' ' + d.toISOString().slice(11, 13) + 'h'
      : d.toISOString().slice(11, 16);
  const values = series.map((p) => round(p.value));
  const max = Math.max(...values, 0);
  const min = Math.min(...values, 0);
  return [
    'xychart-beta',
    `  title "${clean(title)}"`,
    `  x-axis [${series.map((p) => `"${label(p.at)}"`).join(', ')}]`,
    `  y-axis "${clean(unit)}" ${min} --> ${max === min ? max + 1 : max}`,
    `  line [${values.join(', ')}]`,
  ].join('\n');
}

function downsample(points: Point[], max: number): Point[] {
  const sorted = [...points].sort((a, b) => a.at.getTime() - b.at.getTime());
  if (sorted.length <= max) return sorted;
  const size = Math.ceil(sorted.length / max);
  const out: Point[] = [];
  for (let i = 0; i < sorted.length; i += size) {
    const bucket = sorted.slice(i, i + size);
    out.push({ at: bucket[0]!.at, value: bucket.reduce((s, p) => s + p.value, 0) / bucket.length });
  }
  return out;
}

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
}

/** Titles come from metric names the model chose: keep them from breaking the chart's syntax. */
function clean(text: string): string {
  return text.replace(/["\n\r`]/g, "'").slice(0, 80);
}

/**
 * The local stand-in for CloudWatch's reading of Embedded Metric Format: functions log their Powertools
 * metrics as EMF JSON lines on stdout (as on Lambda, where CloudWatch Logs extracts them); the local
 * stack hands each line to a {@link MetricsCollector}, which sums every metric per name and dimension
 * set. `GET /_local/metrics` serves the counters; the stack prints {@link MetricsCollector.summary} on exit.
 * EMF: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */

/** One metric series: a name, its dimensions, and the sum, count and maximum of the values seen. */
export interface MetricSeries {
  namespace: string;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  sum: number;
  count: number;
  max: number;
}

interface EmfDocument {
  _aws?: { CloudWatchMetrics?: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit?: string }> }> };
  [key: string]: unknown;
}

/** A dimension with more values than this is left out of a group's line (it would be a table of its own). */
export const GROUP_VALUES = 6;

/** Sums the EMF metrics it is given; see the module comment. */
export class MetricsCollector {
  private readonly series = new Map<string, MetricSeries>();

  /**
   * Reads one output line. @returns true when the line was an EMF document (and was counted), false
   * for any other output (which the caller should pass on)
   */
  ingest(line: string): boolean {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{') || !trimmed.includes('"_aws"')) return false;
    let doc: EmfDocument;
    try { doc = JSON.parse(trimmed) as EmfDocument; } catch { return false; }
    const directives = doc._aws?.CloudWatchMetrics;
    if (!Array.isArray(directives)) return false;
    for (const directive of directives) {
      const names = [...new Set((directive.Dimensions ?? []).flat())];
      const dimensions = Object.fromEntries(names.map((name) => [name, String(doc[name] ?? '')]));
      for (const metric of directive.Metrics ?? []) {
        const raw = doc[metric.Name];
        const values = (Array.isArray(raw) ? raw : [raw]).map(Number).filter((v) => Number.isFinite(v));
        const key = JSON.stringify([directive.Namespace, metric.Name, dimensions]);
        const entry = this.series.get(key) ?? { namespace: directive.Namespace, name: metric.Name, unit: metric.Unit ?? 'None', dimensions, sum: 0, count: 0, max: -Infinity };
        for (const value of values) { entry.sum += value; entry.count += 1; entry.max = Math.max(entry.max, value); }
        this.series.set(key, entry);
      }
    }
    return true;
  }

  /** Every series seen, sorted by name then dimensions. */
  list(): MetricSeries[] {
    return [...this.series.values()].sort((a, b) => a.name.localeCompare(b.name) || JSON.stringify(a.dimensions).localeCompare(JSON.stringify(b.dimensions)));
  }

  /** Totals per metric name (all dimensions summed), e.g. `{ThumbnailsMade: 3, ColdStart: 9}`. */
  totals(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const entry of this.list()) totals[entry.name] = (totals[entry.name] ?? 0) + entry.sum;
    return totals;
  }

  /** What `GET /_local/metrics` answers: the totals and every series. */
  snapshot(): { totals: Record<string, number>; series: MetricSeries[] } {
    return { totals: this.totals(), series: this.list() };
  }

  /**
   * What the stack prints when it stops. `groups` (the default): one line per metric name with its sum,
   * how many functions reported it (for metrics with a `function_name`), and the sum per value of each
   * other dimension that has at most
   * {@link GROUP_VALUES} values (e.g. `outcome 2xx=120 4xx=3`). `full`: one line per series
   * (`DARKROOM_METRICS_SUMMARY=full`).
   */
  summary(detail: 'groups' | 'full' = 'groups'): string {
    const entries = this.list();
    if (!entries.length) return 'metrics: none recorded';
    if (detail === 'full') {
      const label = (entry: MetricSeries) => {
        const { service, function_name: fn, ...rest } = entry.dimensions;
        return [fn ?? service, ...Object.entries(rest).map(([name, value]) => `${name}=${value}`)].filter(Boolean).join(' ');
      };
      return ['metrics (sum per series):', ...entries.map((entry) => `  ${entry.name.padEnd(20)} ${String(entry.sum).padStart(7)}  ${label(entry)}`)].join('\n');
    }
    const groups = new Map<string, MetricSeries[]>();
    for (const entry of entries) groups.set(entry.name, [...groups.get(entry.name) ?? [], entry]);
    const width = Math.max(20, ...[...groups.keys()].map((name) => name.length));
    const lines = [...groups].map(([name, series]) => {
      const sum = series.reduce((total, entry) => total + entry.sum, 0);
      const functions = new Set(series.map((entry) => entry.dimensions.function_name).filter(Boolean));
      const byDimension = new Map<string, Map<string, number>>();
      for (const entry of series) {
        for (const [dimension, value] of Object.entries(entry.dimensions)) {
          if (dimension === 'function_name') continue;
          const values = byDimension.get(dimension) ?? new Map<string, number>();
          values.set(value, (values.get(value) ?? 0) + entry.sum);
          byDimension.set(dimension, values);
        }
      }
      // One service everywhere (all functions in one process share it) says nothing.
      const split = [...byDimension].filter(([dimension, values]) => values.size <= GROUP_VALUES && !(dimension === 'service' && values.size === 1))
        .map(([dimension, values]) => `${dimension} ${[...values].sort(([a], [b]) => a.localeCompare(b)).map(([value, n]) => `${value}=${n}`).join(' ')}`);
      const where = functions.size ? `${functions.size} function${functions.size === 1 ? '' : 's'}` : '';
      return `  ${name.padEnd(width)} ${String(sum).padStart(7)}  ${[where, ...split].filter(Boolean).join('; ')}`.trimEnd();
    });
    return [`metrics (sum per metric; every series: DARKROOM_METRICS_SUMMARY=full, or GET /_local/metrics while running):`, ...lines].join('\n');
  }
}

/**
 * Routes this process's stdout through `collector`: EMF lines are counted and kept off the console,
 * everything else is written as before. Used when functions run in this process (source mode).
 * @returns a function that restores stdout
 */
export function tapStdout(collector: MetricsCollector): () => void {
  const original = process.stdout.write.bind(process.stdout);
  let pending = '';
  const tapped = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = pending + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    const kept = lines.filter((line) => !collector.ingest(line));
    if (pending && !pending.trimStart().startsWith('{')) { kept.push(pending); pending = ''; return original(`${kept.join('\n')}`, ...rest as []); }
    return kept.length ? original(`${kept.join('\n')}\n`, ...rest as []) : true;
  };
  process.stdout.write = tapped as typeof process.stdout.write;
  return () => { process.stdout.write = original as typeof process.stdout.write; };
}

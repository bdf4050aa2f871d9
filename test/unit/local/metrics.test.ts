import { MetricsCollector } from '../../../scripts/local/metrics';

/** One EMF line as Powertools writes it: `metrics` summed under the given dimensions. */
function emf(dimensions: Record<string, string>, metrics: Record<string, number>): string {
  return JSON.stringify({
    _aws: { Timestamp: 0, CloudWatchMetrics: [{ Namespace: 'Darkroom', Dimensions: [Object.keys(dimensions)], Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: 'Count' })) }] },
    ...dimensions, ...metrics,
  });
}

function collector(): MetricsCollector {
  const collected = new MetricsCollector();
  for (let fn = 0; fn < 40; fn += 1) {
    collected.ingest(emf({ service: 'auth', function_name: `fn-${fn}` }, { ColdStart: 1 }));
    collected.ingest(emf({ service: 'auth', route: `POST /r${fn}`, outcome: '2xx' }, { Requests: 3 }));
    collected.ingest(emf({ service: fn < 20 ? 'auth' : 'social', route: `POST /r${fn}`, outcome: '4xx' }, { Requests: 1 }));
  }
  return collected;
}

describe('the stop-time metrics summary', () => {
  it('gives one line per metric, with its total, its functions and the split of small dimensions (one service left out)', () => {
    const lines = collector().summary().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/DARKROOM_METRICS_SUMMARY=full/);
    expect(lines[1]).toMatch(/^ {2}ColdStart\s+40 {2}40 functions$/);
    // route has 40 values: left out; outcome has two, service two.
    expect(lines[2]).toMatch(/^ {2}Requests\s+160 {2}service auth=140 social=20; outcome 2xx=120 4xx=40$/);
  });

  it('gives every series with full', () => {
    const lines = collector().summary('full').split('\n');
    expect(lines).toHaveLength(1 + 40 + 80);
    expect(lines).toContain('  Requests                   3  auth route=POST /r7 outcome=2xx');
  });

  it('says when nothing was recorded', () => {
    expect(new MetricsCollector().summary()).toBe('metrics: none recorded');
  });
});

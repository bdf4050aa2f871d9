/**
 * Logs and metrics name their function: in the local stack every function runs in one process, and
 * still each invocation logs with its own service and Lambda context, and each metric carries the
 * service of the function that counted it (never Powertools' `service_undefined`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, newUser, stack, unique, waitFor } from '../support/stack';

interface Snapshot { series: Array<{ name: string; dimensions: Record<string, string>; sum: number }> }
const snapshot = async () => (await (await fetch(stack().metrics)).json()) as Snapshot;

/** The JSON log records in the local stack's output (Powertools prints them indented in POWERTOOLS_DEV). */
function logRecords(): Array<Record<string, unknown>> {
  const text = readFileSync(join(process.env.DARKROOM_STACK_DIR!, 'stack.log'), 'utf8');
  const records: Array<Record<string, unknown>> = [];
  let pending: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line === '{') pending = [];
    if (pending) pending.push(line);
    if (pending && line === '}') {
      try { records.push(JSON.parse(pending.join('\n')) as Record<string, unknown>); } catch { /* not a log record */ }
      pending = undefined;
    }
  }
  return records;
}

it('puts the service of the function that counted it on every metric, for concurrent requests to four services', async () => {
  const user = await newUser('obs');
  const calls: Array<[string, Promise<unknown>]> = [
    ['images', api('/images/upload', { token: user.idToken, body: { file_name: 'a.jpg' } })],
    ['photos', api('/photos/list', { token: user.idToken, body: {} })],
    ['social', api(`/user/${user.sub}`, { token: user.idToken })],
    ['datasets', api('/generate/list_method', { token: user.idToken, body: {} })],
  ];
  await Promise.all(calls.map(([, call]) => call));
  const { series } = await snapshot();
  expect(series.filter((s) => Object.values(s.dimensions).includes('service_undefined'))).toEqual([]);
  const routes = { images: 'POST /images/upload', photos: 'POST /photos/list', social: 'GET /user/{id}', datasets: 'POST /generate/list_method' };
  for (const [service, route] of Object.entries(routes)) {
    const requests = series.filter((s) => s.name === 'Requests' && s.dimensions.route === route);
    expect([route, requests.map((s) => s.dimensions.service)]).toEqual([route, requests.map(() => service)]);
    expect(requests.length).toBeGreaterThan(0);
  }
});

it('logs a worker\'s warning under its own function while another function of the same service runs alongside', async () => {
  const created = await api('/visual/job', { body: { email: `obs-${unique()}@example.com`, fileName: 'notes.png' } });
  const upload = await fetch(created.body.uploadUrl, { method: 'PUT', body: 'not an image\n', headers: { 'content-type': 'image/png' } });
  expect(upload.status).toBe(200);
  expect((await api('/visual/job', { body: { uploadDone: 'true', jobID: created.body.jobID } })).status).toBe(202);
  // Poll GET /visual/job/{id} (visual-get-job) while visual-analyse works and warns.
  await waitFor(async () => (await api(`/visual/job/${created.body.jobID}`)).body.status === 'failed', { timeout: 60_000, interval: 100, what: 'the job to fail' });
  const warning = await waitFor(async () => logRecords().find((r) => r.message === 'file could not be analysed' && r.jobID === created.body.jobID), { what: 'the warning' });
  expect(warning).toMatchObject({ level: 'WARN', service: 'visual', function_name: 'darkroom-visual-analyse' });
  expect(logRecords().filter((r) => r.service === 'service_undefined')).toEqual([]);
}, 90_000);

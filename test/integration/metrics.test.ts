/** The local stack counts the functions' Powertools metrics (EMF) and serves them at GET /_local/metrics. */
import { api, newUser, stack } from '../support/stack';

interface Snapshot { mode: string; totals: Record<string, number>; series: Array<{ name: string; dimensions: Record<string, string>; sum: number }> }
const snapshot = async () => (await (await fetch(stack().metrics)).json()) as Snapshot;

it('counts requests per route and outcome, and the domain events, from source in one process', async () => {
  const before = await snapshot();
  expect(before.mode).toBe('source');
  const ada = await newUser('metrics');
  expect((await api('/auth/user_login', { body: { username: ada.username, password: 'Wrong-Pass-1' } })).status).toBe(401);
  const after = await snapshot();
  expect((after.totals.Logins ?? 0) - (before.totals.Logins ?? 0)).toBeGreaterThanOrEqual(1);
  expect((after.totals.LoginFailures ?? 0) - (before.totals.LoginFailures ?? 0)).toBeGreaterThanOrEqual(1);
  const refused = after.series.find((s) => s.name === 'Requests' && s.dimensions.route === 'POST /auth/user_login' && s.dimensions.outcome === '4xx');
  expect(refused?.sum).toBeGreaterThanOrEqual(1);
});

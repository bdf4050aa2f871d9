/**
 * The QA team's Postman collection, run by newman against the artefact-mode stack the `artefacts`
 * project started (the built zips, as Lambda runs them): every request's assertions must pass, every
 * answer must be what the OpenAPI document says (test/support/contracts.ts), and the committed
 * collection must be the one assembled from test/e2e/folders (npm run postman:assemble).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { assembleCollection, COLLECTION_PATH } from '../../scripts/e2e/collection';
import { checkResponse } from '../support/contracts';
import { stack } from '../support/stack';

const ROOT = join(__dirname, '../..');

it('the committed collection is the assembled one (run npm run postman:assemble after editing a folder)', () => {
  expect(readFileSync(COLLECTION_PATH, 'utf8')).toBe(assembleCollection());
});

it('runs green with newman against the local stack', async () => {
  const summary = await new Promise<NewmanRunSummary>((resolve, reject) => {
    newman.run({
      collection: JSON.parse(readFileSync(COLLECTION_PATH, 'utf8')),
      envVar: [{ key: 'baseUrl', value: stack().api }],
      workingDir: ROOT,
      insecureFileRead: false,
      reporters: [],
      timeoutRequest: 30_000,
    }, (error, result) => (error ? reject(error) : resolve(result)));
  });
  const failures = summary.run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.message}`);
  expect(failures).toEqual([]);
  expect(summary.run.stats.assertions.total).toBeGreaterThan(10);
  expect(summary.run.stats.requests.failed).toBe(0);
  const undocumented: string[] = [];
  for (const execution of summary.run.executions) {
    const { request, response } = execution as unknown as {
      request: { method: string; url: { getPathWithQuery(): string; toString(): string } };
      response?: { code: number; headers: { toObject(): Record<string, string> }; stream?: Buffer };
    };
    if (!response || !request.url.toString().startsWith(stack().api)) continue;
    const text = response.stream?.toString('utf8') ?? '';
    let body: unknown = text;
    try { body = JSON.parse(text); } catch { /* not JSON */ }
    await checkResponse({ method: request.method, path: request.url.getPathWithQuery(), status: response.code, headers: response.headers.toObject(), body })
      .catch((error: Error) => undocumented.push(error.message));
  }
  expect(undocumented).toEqual([]);
}, 300_000);

/**
 * The QA team's Postman collection, run by newman against the local stack that the integration
 * project started: every request's assertions must pass, and the committed collection must be the
 * one assembled from test/e2e/folders (npm run postman).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { assembleCollection, COLLECTION_PATH } from '../../scripts/e2e/collection';
import { stack } from '../support/stack';

const ROOT = join(__dirname, '../..');

it('the committed collection is the assembled one (run npm run postman after editing a folder)', () => {
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
}, 300_000);

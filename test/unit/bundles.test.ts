/**
 * The bundles Lambda runs: built by the real build (esbuild, precompiled schemas), loaded cold, and
 * answering a request, so a broken bundle or a validator that differs from the source's fails here.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildFunction, buildJwtLayer } from '../../scripts/build/build';
import { loadManifest, ROOT } from '../../scripts/manifest';
import { httpEvent, lambdaContext } from '../support/events';

const dist = mkdtempSync(join(ROOT, 'dist-test-'));
afterAll(() => rmSync(dist, { recursive: true, force: true }));
const spec = (name: string) => loadManifest().functions.find((fn) => fn.name === name)!;

it('bundles a route with its schema precompiled, and the bundle validates like the source', async () => {
  await buildFunction(spec('auth-user-signup'), dist);
  expect(statSync(join(dist, 'functions', 'auth-user-signup.zip')).size).toBeGreaterThan(10_000);
  const bundle = require(join(dist, 'functions', 'auth-user-signup', 'index.js')) as { handler: (e: unknown, c: unknown) => Promise<{ statusCode: number; body: string }> };
  const source = (await import('../../functions/auth/user_signup/handler')).handler as unknown as typeof bundle.handler;
  const event = () => httpEvent({ body: { email: 'not-an-email', username: 'ada', extra: 1 } });
  const [bundled, fromSource] = await Promise.all([bundle.handler(event(), lambdaContext()), source(event(), lambdaContext())]);
  const problems = (response: { body: string }) => JSON.parse(response.body).message.split('; ').sort();
  expect(bundled.statusCode).toBe(400);
  expect(problems(bundled)).toEqual([
    'email: must be an e-mail address (body)', 'extra: is not an accepted field (body)', 'password: is required (body)',
  ]);
  expect(problems(bundled)).toEqual(problems(fromSource));
  expect(JSON.parse(bundled.body)).toMatchObject({ data: {}, error: true });
  // The validator in the bundle is ajv's standalone code, not a schema compiled at cold start.
  const { readFileSync } = await import('node:fs');
  expect(readFileSync(join(dist, 'functions', 'auth-user-signup', 'index.js'), 'utf8')).toMatch(/precompiled:!0/);
}, 60_000);

it('leaves sharp to the sharp layer and @darkroom/jwt to the jwt layer', async () => {
  await buildFunction(spec('media-thumbnail'), dist);
  await buildFunction(spec('images-upload'), dist);
  const { readFileSync } = await import('node:fs');
  const thumbnail = readFileSync(join(dist, 'functions', 'media-thumbnail', 'index.js'), 'utf8');
  expect(thumbnail).toMatch(/require\("sharp"\)/);
  const upload = readFileSync(join(dist, 'functions', 'images-upload', 'index.js'), 'utf8');
  expect(upload).toMatch(/require\("@darkroom\/jwt"\)/);
  expect(upload).not.toMatch(/SimpleJwksCache/);
}, 60_000);

it('bundles @darkroom/accounts into the functions that log in (a workspace package, like the runtime, not a Lambda layer)', async () => {
  await buildFunction(spec('photos-login'), dist);
  const { readFileSync } = await import('node:fs');
  const login = readFileSync(join(dist, 'functions', 'photos-login', 'index.js'), 'utf8');
  expect(login).not.toMatch(/require\("@darkroom\/accounts"\)/);
  // The failed-login limits' key prefixes: logIn's limiter is in the bundle.
  expect(login).toMatch(/"LOGINALL"/);
}, 60_000);

it('refuses to bundle sharp into a function that does not list the sharp layer', async () => {
  const thumbnail = spec('media-thumbnail');
  await expect(buildFunction({ ...thumbnail, name: 'no-layer', layers: [] }, dist)).rejects.toThrow(/sharp layer/);
}, 60_000);

it('bundles the jwt layer with no AWS SDK, neither inside nor left to the Lambda runtime', async () => {
  await buildJwtLayer(dist);
  const { readFileSync } = await import('node:fs');
  const layer = readFileSync(join(dist, 'layers', 'jwt', 'index.js'), 'utf8');
  expect(layer).not.toMatch(/require\("@aws-sdk\//);
  expect(layer).not.toMatch(/DynamoDBDocumentClient/);
  expect(layer).toMatch(/createTokenVerifier.*isRevoked/s);
  // The layer's package.json names the file it ships (a missing `main` is Node's DEP0128 warning).
  const manifest = JSON.parse(readFileSync(join(dist, 'layers', 'jwt', 'package.json'), 'utf8'));
  expect(manifest).toMatchObject({ name: '@darkroom/jwt', main: 'index.js' });
  expect(manifest.types).toBeUndefined();
}, 60_000);

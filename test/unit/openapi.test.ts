import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openApiDocument, routesWithoutContract } from '../../scripts/build/openapi';
import { loadManifest, ROOT } from '../../scripts/manifest';

const dir = mkdtempSync(join(tmpdir(), 'darkroom-openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the generated OpenAPI document', () => {
  it('has a response contract for every HTTP route of the manifest', async () => {
    expect(await routesWithoutContract()).toEqual([]);
    const signup = loadManifest().functions.find((fn) => fn.name === 'auth-user-signup')!;
    await expect(openApiDocument([{ ...signup, entry: 'functions/auth/no_such_route/handler.ts' }])).rejects.toThrow(/without a response contract.*auth-user-signup/);
  });

  it('has every HTTP route of the manifest, with its auth, input, summary and answers', async () => {
    const doc = await openApiDocument();
    const routes = loadManifest().functions.flatMap((fn) => fn.trigger.type === 'http' ? [fn.trigger] : []);
    for (const route of routes) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation).toBeDefined();
      expect(operation.security).toEqual(route.auth === 'required' ? [{ cognito: [] }] : []);
      expect(operation.summary).toEqual(expect.any(String));
      const success = Object.keys(operation.responses).filter((status) => /^[23]\d\d$/.test(status));
      expect(success.length).toBeGreaterThan(0);
      for (const status of success) {
        // JSON in the envelope, or a raw media type (the iCalendar feed); a 304 has no body.
        const content = operation.responses[status].content;
        if (status === '304') expect(content).toBeUndefined();
        else expect((Object.values(content)[0] as { schema?: unknown }).schema).toBeDefined();
      }
      if (route.auth === 'required') expect(operation.responses['401']).toBeDefined();
    }
    const upload = doc.paths['/images/upload'].post;
    expect(upload.requestBody.content['application/json'].schema.required).toEqual(['file_name']);
    expect(Object.keys(upload.responses)).not.toContain('200');
    expect(upload.responses['201'].content['application/json'].schema.required).toEqual(['image_id', 'file_name', 'status', 'upload']);
    const download = doc.paths['/images/download/image'].get;
    expect(download.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'image_id', in: 'query', required: true })]));
    expect(download.responses['302'].headers.Location).toBeDefined();
    const photo = doc.paths['/photos/upload_single_photo'].post.requestBody.content;
    expect(Object.keys(photo).sort()).toEqual(['application/json', 'application/octet-stream', 'multipart/form-data']);
    expect(photo['application/json'].schema.required).toEqual(expect.arrayContaining(['filename', 'content_type', 'size']));
    expect(doc.paths['/auth/user_signup'].post.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/authError');
    const feed = doc.paths['/user/{id}/calendar.ics'].get;
    expect(Object.keys(feed.responses['200'].content)).toEqual(['text/calendar']);
    expect(feed.responses['200'].headers.ETag.required).toBe(true);
    expect(Object.keys(doc.paths['/user/{id}/calendar_import'].post.requestBody.content)).toEqual(['text/calendar']);
    expect(doc.servers.map((server: { url: string }) => server.url)).toEqual(['http://127.0.0.1:3000', 'https://{apiId}.execute-api.{region}.amazonaws.com']);
  });

  it('wraps success bodies in the service envelope', async () => {
    const doc = await openApiDocument();
    const login = doc.paths['/auth/user_login'].post.responses['200'].content['application/json'].schema;
    expect(login).toMatchObject({ required: ['message', 'data', 'error'], properties: { error: { const: false } } });
    expect(login.properties.data.required).toEqual(expect.arrayContaining(['id_token', 'token', 'identity_id', 'access_key', 'secret_key', 'session_key', 'expires_at']));
    const photoLogin = doc.paths['/photos/login'].post.responses['200'].content['application/json'].schema;
    expect(photoLogin.required).toEqual(['jwt', 'credentials']);
  });

  it('passes redocly lint with the recommended rules and no errors', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(await openApiDocument(), null, 2));
    const cli = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'lint', file, '--extends', 'recommended', '--format', 'json'], {
      // Offline: no telemetry, no update check.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; severity: string; message: string }> };
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 60_000);
});

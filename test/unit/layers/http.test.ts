import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { httpEvent, lambdaContext } from '../../support/events';
import { runtimeUnderTest } from '../../support/runtime';
import { strangerKey } from '../../support/tokens';

const setup = runtimeUnderTest();
const { dynamo } = setup;

const schema = {
  body: {
    type: 'object',
    properties: { name: { type: 'string', minLength: 1 }, count: { type: 'integer', maximum: 10 } },
    required: ['name'],
    additionalProperties: false,
  },
} as const;

/** Calls a Middy handler as Lambda would (event, context). */
const call = async (handler: unknown, event = httpEvent()) =>
  (handler as (e: unknown, c: unknown) => Promise<unknown>)(event, lambdaContext()) as Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

describe('httpHandler', () => {
  it('wraps the result in the service envelope as JSON', async () => {
    const handler = setup.runtime.httpHandler({ envelope: 'auth', auth: 'none', schema })
      .handler(async ({ input }) => setup.runtime.respond({ hello: input.body.name }, { message: 'Done' }));
    const response = await call(handler, httpEvent({ body: { name: 'ada' } }));
    expect(response.statusCode).toBe(200);
    expect(response.headers['Content-Type']).toMatch(/application\/json/);
    expect(JSON.parse(response.body)).toEqual({ message: 'Done', data: { hello: 'ada' }, error: false });
  });

  it('answers invalid input with 400 naming each problem, in the envelope', async () => {
    const route = jest.fn();
    const handler = setup.runtime.httpHandler({ envelope: 'datasets', auth: 'none', schema }).handler(route);
    const response = await call(handler, httpEvent({ body: { count: 11, extra: true } }));
    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body);
    expect(body).toMatchObject({ data: null, error: true, success: false });
    expect(body.message).toContain('name: is required (body)');
    expect(body.message).toContain('count: must be <= 10 (body)');
    expect(body.message).toContain('extra: is not an accepted field (body)');
    expect(route).not.toHaveBeenCalled();
  });

  it('names problems in its own words, never ajv\'s (no regular expression, branch or schema path in the body), and logs ajv\'s errors', async () => {
    const strict = {
      body: {
        type: 'object',
        properties: {
          code: { type: 'string', pattern: '^[0-9]{6}$' },
          email: { type: 'string', format: 'email' },
          size: { oneOf: [{ type: 'integer', minimum: 1 }, { type: 'string', enum: ['auto'] }] },
          tags: { type: 'array', maxItems: 2, uniqueItems: true },
          name: { type: 'string', minLength: 2, maxLength: 3 },
        },
        additionalProperties: false,
      },
    } as const;
    const info = jest.spyOn(setup.runtime.logger, 'info');
    const handler = setup.runtime.httpHandler({ envelope: 'plain', auth: 'none', schema: strict }).handler(async () => ({}));
    const response = await call(handler, httpEvent({ body: { code: '12ab', email: 'nope', size: 0, tags: ['a', 'a', 'b'], name: 'abcd' } }));
    expect(response.statusCode).toBe(400);
    const { message } = JSON.parse(response.body);
    expect(message.split('; ').sort()).toEqual([
      'code: contains characters or a form that is not accepted (body)',
      'email: must be an e-mail address (body)',
      'name: must be at most 3 characters (body)',
      'size: does not match any of the accepted forms (body)',
      'size: must be >= 1 (body)',
      'size: must be one of "auto" (body)',
      'size: must be string (body)',
      'tags: must have at most 2 items (body)',
      'tags: must not repeat an item (body)',
    ]);
    expect(message).not.toMatch(/\^\[0-9\]|must match|must NOT|schema|#\//);
    expect(info).toHaveBeenCalledWith('request refused by a library', expect.objectContaining({ package: '@middy/validator', data: expect.arrayContaining([expect.objectContaining({ keyword: 'pattern' })]) }));
    info.mockRestore();
  });

  it('answers a refusal of any other library with its own sentence, the library text in the log', async () => {
    const handler = setup.runtime.httpHandler({ envelope: 'plain', auth: 'none', body: 'raw' }).handler(async () => {
      throw setup.runtime.createError(415, 'Invalid or malformed multipart/form-data was provided', { cause: { package: '@middy/http-multipart-body-parser', data: 'Unexpected end of form' } });
    });
    const response = await call(handler, httpEvent({ body: 'x', headers: { 'content-type': 'multipart/form-data; boundary=b' } }));
    expect(response.statusCode).toBe(415);
    expect(JSON.parse(response.body)).toEqual({ message: 'The request body is not in a format this route accepts' });
  });

  it('treats an empty body as {} so the missing fields are named', async () => {
    const handler = setup.runtime.httpHandler({ envelope: 'plain', auth: 'none', schema }).handler(async () => ({}));
    const response = await call(handler, httpEvent({}));
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ message: 'name: is required (body)' });
  });

  it('answers malformed JSON with 400 and a wrong content type with 415', async () => {
    const handler = setup.runtime.httpHandler({ envelope: 'plain', auth: 'none', schema }).handler(async () => ({}));
    const bad = await call(handler, httpEvent({ body: '{"name":', headers: { 'content-type': 'application/json' } }));
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ message: 'Request body is not valid JSON' });
    const wrongType = await call(handler, httpEvent({ body: 'name=x', headers: { 'content-type': 'text/plain' } }));
    expect(wrongType.statusCode).toBe(415);
  });

  it('exposes 4xx domain errors and hides 5xx internals', async () => {
    const notFound = setup.runtime.httpHandler({ envelope: 'plain', auth: 'none' }).handler(async () => { throw setup.runtime.notFound('No such photo'); });
    expect(JSON.parse((await call(notFound)).body)).toEqual({ message: 'No such photo' });
    const broken = setup.runtime.httpHandler({ envelope: 'social', auth: 'none' }).handler(async () => { throw new Error('db password is hunter2'); });
    const response = await call(broken);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('hunter2');
    expect(JSON.parse(response.body)).toEqual({ response: null, message: 'Internal Server Error' });
  });

  it('passes headers and statuses of respond() and redirect()', async () => {
    const handler = setup.runtime.httpHandler({ envelope: 'plain', auth: 'none', body: 'none' })
      .handler(async () => setup.runtime.redirect('https://example.com/x'));
    const response = await call(handler, httpEvent({ method: 'GET' }));
    expect(response.statusCode).toBe(302);
    expect(response.headers.Location).toBe('https://example.com/x');
  });

  it('does not coerce JSON body types: a number sent as a string, or a string sent as a number, is a 400', async () => {
    const handler = setup.runtime.httpHandler({ envelope: 'plain', auth: 'none', schema }).handler(async ({ input }) => input.body);
    const numberAsString = await call(handler, httpEvent({ body: { name: 'ada', count: '5' } }));
    expect(numberAsString.statusCode).toBe(400);
    expect(JSON.parse(numberAsString.body).message).toBe('count: must be integer (body)');
    const stringAsNumber = await call(handler, httpEvent({ body: { name: 42 } }));
    expect(JSON.parse(stringAsNumber.body).message).toBe('name: must be string (body)');
  });

  it('reports body and query-string problems together', async () => {
    const handler = setup.runtime.httpHandler({
      envelope: 'plain', auth: 'none',
      schema: { ...schema, query: { type: 'object', properties: { limit: { type: 'integer' } } } } as const,
    }).handler(async () => ({}));
    const response = await call(handler, httpEvent({ body: {}, query: { limit: 'many' } }));
    expect(JSON.parse(response.body).message.split('; ').sort()).toEqual(['limit: must be integer (query string)', 'name: is required (body)']);
  });

  it('coerces query strings to the schema types', async () => {
    const handler = setup.runtime.httpHandler({
      envelope: 'plain', auth: 'none', body: 'none',
      schema: { query: { type: 'object', properties: { limit: { type: 'integer', default: 20 }, redirect: { type: 'boolean' } } } } as const,
    }).handler(async ({ input }) => input.query);
    const response = await call(handler, httpEvent({ method: 'GET', query: { redirect: 'true' } }));
    expect(JSON.parse(response.body)).toEqual({ limit: 20, redirect: true });
  });
});

describe('httpHandler with auth: required', () => {
  const whoami = () => setup.runtime.httpHandler({ envelope: 'plain', auth: 'required', body: 'none' }).handler(async ({ caller }) => caller);

  it('gives the route the caller of a valid ID token and of a valid access token', async () => {
    const handler = whoami();
    const byId = JSON.parse((await call(handler, httpEvent({ token: setup.issuer.idToken('sub-1') }))).body);
    expect(byId).toMatchObject({ sub: 'sub-1', username: 'user-sub-1', email: 'sub-1@example.com', tokenUse: 'id' });
    const byAccess = JSON.parse((await call(handler, httpEvent({ token: setup.issuer.accessToken('sub-2') }))).body);
    expect(byAccess).toMatchObject({ sub: 'sub-2', username: 'user-sub-2', tokenUse: 'access' });
  });

  it.each([
    ['no token', undefined],
    ['a malformed token', 'not.a.jwt'],
    ['an expired token', () => setup.issuer.idToken('s', { exp: Math.floor(Date.now() / 1000) - 10 })],
    ['a token signed by another key', () => setup.issuer.sign({ sub: 's', aud: setup.issuer.clientId, iss: setup.issuer.issuer, token_use: 'id', exp: Math.floor(Date.now() / 1000) + 60, iat: Math.floor(Date.now() / 1000) }, { key: strangerKey() })],
    ['a token of another issuer', () => setup.issuer.idToken('s', { iss: 'http://127.0.0.1:1/other' })],
    ['a token of another client', () => setup.issuer.idToken('s', { aud: 'someone-else' })],
    ['an access token of another client', () => setup.issuer.accessToken('s', { client_id: 'someone-else' })],
  ])('refuses %s with 401 in the envelope', async (_, token) => {
    const value = typeof token === 'function' ? token() : token;
    const route = jest.fn();
    const handler = setup.runtime.httpHandler({ envelope: 'auth', auth: 'required', body: 'none' }).handler(route);
    const response = await call(handler, httpEvent({ token: value }));
    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body)).toMatchObject({ error: true, data: {} });
    expect(route).not.toHaveBeenCalled();
  });

  it('refuses tokens of a session begun before the user logged out, even refreshed later, and accepts later ones', async () => {
    const now = Math.floor(Date.now() / 1000);
    dynamo.on(GetCommand).resolves({ Item: { pk: 'USER#sub-3', sk: 'REVOKED', revoked_before: now, expires_at: now + 3600 } });
    const handler = whoami();
    const old = await call(handler, httpEvent({ token: setup.issuer.idToken('sub-3', { iat: now - 5 }) }));
    expect(old.statusCode).toBe(401);
    expect(JSON.parse(old.body).message).toMatch(/revoked/);
    const refreshed = await call(handler, httpEvent({ token: setup.issuer.idToken('sub-3', { iat: now + 1, auth_time: now - 5 }) }));
    expect(refreshed.statusCode).toBe(401);
    const fresh = await call(handler, httpEvent({ token: setup.issuer.idToken('sub-3', { iat: now + 1, auth_time: now + 1 }) }));
    expect(fresh.statusCode).toBe(200);
  });

  it('checks the token before the input, so strangers learn nothing of the schema', async () => {
    const handler = setup.runtime.httpHandler({ envelope: 'plain', auth: 'required', schema }).handler(async () => ({}));
    expect((await call(handler, httpEvent({ body: {} }))).statusCode).toBe(401);
  });
});

import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { httpEvent, lambdaContext } from '../../support/events';
import { startTestIssuer, type TestIssuer } from '../../support/tokens';

const dynamo = mockClient(DynamoDBDocumentClient);
let issuer: TestIssuer;
type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;
let upload: Handler;
let downloadImage: Handler;
let downloadThumbnail: Handler;

beforeAll(async () => {
  issuer = await startTestIssuer();
  process.env.JWT_ISSUER = issuer.issuer;
  process.env.JWKS_URI = issuer.jwksUri;
  upload = (await import('../../../functions/images/upload/handler')).handler as Handler;
  downloadImage = (await import('../../../functions/images/download_image/handler')).handler as Handler;
  downloadThumbnail = (await import('../../../functions/images/download_thumbnail/handler')).handler as Handler;
});
afterAll(() => issuer.close());
// Revocation lookups of the JWT layer find nothing unless a test says otherwise.
beforeEach(() => { dynamo.reset(); dynamo.on(GetCommand).resolves({}); });

const json = (response: { body: string }) => JSON.parse(response.body);
const ready = {
  pk: 'sub-1', sk: 'IMAGE#img-1', image_id: 'img-1', owner: 'sub-1', file_name: 'cat.jpg', key: 'sub-1/images/img-1/cat.jpg',
  status: 'ready', size: 1234, content_type: 'image/jpeg', width: 800, height: 600,
  thumbnail_key: 'sub-1/images/img-1/cat.jpg', thumbnail_content_type: 'image/jpeg', thumbnail_width: 256, thumbnail_height: 192,
};

describe('POST /images/upload', () => {
  it('issues a presigned POST for the caller whose policy fixes key and type and caps the size', async () => {
    dynamo.on(PutCommand).resolves({});
    const response = await upload(httpEvent({ token: issuer.idToken('sub-1'), body: { file_name: 'my cat.JPG' } }), lambdaContext());
    expect(response.statusCode).toBe(201);
    const body = json(response);
    expect(body.file_name).toBe('my_cat.JPG');
    expect(body.upload).toMatchObject({ method: 'POST', content_type: 'image/jpeg', max_bytes: 50 * 1024 * 1024, expires_in: 900 });
    expect(body.upload.fields.key).toBe(`sub-1/images/${body.image_id}/my_cat.JPG`);
    const policy = JSON.parse(Buffer.from(body.upload.fields.Policy, 'base64').toString());
    expect(policy.conditions).toEqual(expect.arrayContaining([
      ['content-length-range', 1, 50 * 1024 * 1024], ['eq', '$Content-Type', 'image/jpeg'], { key: body.upload.fields.key },
    ]));
    const put = dynamo.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.Item).toMatchObject({ pk: 'sub-1', sk: `IMAGE#${body.image_id}`, status: 'pending' });
    expect(put.Item!.expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it.each([
    [{ file_name: 'notes.txt' }, 415, /Only images/],
    [{ file_name: 'a.jpg', user_id: 'someone-else' }, 403, /user_id must be the caller/],
    [{ file_name: '../..' }, 400, /no usable characters/],
    [{ file_name: '' }, 400, /file_name/],
    [{ file_name: 'a.jpg', content_type: 'text/html' }, 400, /content_type/],
  ])('refuses %j with %i and writes nothing', async (body, status, message) => {
    const response = await upload(httpEvent({ token: issuer.idToken('sub-1'), body }), lambdaContext());
    expect(response.statusCode).toBe(status);
    expect(json(response).message).toMatch(message);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('GET /images/download/*', () => {
  it('signs a GET of the original, looked up under the caller only', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'sub-1', sk: 'IMAGE#img-1' } }).resolves({ Item: ready });
    const response = await downloadImage(httpEvent({ method: 'GET', token: issuer.idToken('sub-1'), query: { image_id: 'img-1' } }), lambdaContext());
    expect(response.statusCode).toBe(200);
    const body = json(response);
    expect(body).toMatchObject({ image_id: 'img-1', variant: 'image', width: 800, height: 600, content_type: 'image/jpeg', size: 1234 });
    expect(body.url).toContain('/sub-1/images/img-1/cat.jpg');
    expect(body.url).toContain('darkroom-originals');
    expect(dynamo.commandCalls(GetCommand).map((c) => c.args[0].input.Key)).toContainEqual({ pk: 'sub-1', sk: 'IMAGE#img-1' });
  });

  it('signs the thumbnail in the thumbnails bucket, or redirects to it', async () => {
    dynamo.on(GetCommand, { Key: { pk: 'sub-1', sk: 'IMAGE#img-1' } }).resolves({ Item: ready });
    const response = await downloadThumbnail(httpEvent({ method: 'GET', token: issuer.idToken('sub-1'), query: { image_id: 'img-1', redirect: 'true' } }), lambdaContext());
    expect(response.statusCode).toBe(302);
    expect(response.headers.Location).toContain('darkroom-thumbnails');
    expect(json(response)).toMatchObject({ width: 256, height: 192, variant: 'thumbnail' });
  });

  it.each([
    [undefined, 404, /not found/],
    [{ ...ready, status: 'pending' }, 404, /not ready/],
    [{ ...ready, status: 'failed', failure_reason: 'not a decodable image' }, 422, /not a decodable image/],
  ])('answers %j with %i', async (item, status, message) => {
    dynamo.on(GetCommand, { Key: { pk: 'sub-1', sk: 'IMAGE#img-1' } }).resolves({ Item: item });
    const response = await downloadImage(httpEvent({ method: 'GET', token: issuer.idToken('sub-1'), query: { image_id: 'img-1' } }), lambdaContext());
    expect(response.statusCode).toBe(status);
    expect(json(response).message).toMatch(message);
  });

  it('refuses a user_id that is not the caller, and a malformed image_id, before any lookup', async () => {
    const other = await downloadImage(httpEvent({ method: 'GET', token: issuer.idToken('sub-1'), query: { image_id: 'img-1', user_id: 'sub-2' } }), lambdaContext());
    expect(other.statusCode).toBe(403);
    const malformed = await downloadImage(httpEvent({ method: 'GET', token: issuer.idToken('sub-1'), query: { image_id: '../x' } }), lambdaContext());
    expect(malformed.statusCode).toBe(400);
    expect(dynamo.commandCalls(GetCommand).filter((c) => String(c.args[0].input.Key?.sk).startsWith('IMAGE#'))).toHaveLength(0);
  });
});

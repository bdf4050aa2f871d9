/** The response checker the integration tests' api() runs on every answer (test/support/contracts.ts). */
import { checkResponse } from '../support/contracts';

const json = { 'content-type': 'application/json; charset=utf-8' };
const upload = {
  method: 'POST', url: 'http://127.0.0.1:4566/darkroom-originals', fields: { key: 'k', Policy: 'p' }, content_type: 'image/jpeg',
  max_bytes: 52_428_800, expires_in: 900, expires_at: '2026-12-01T21:30:00.000Z',
};
const created = { image_id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427', file_name: 'a.jpg', status: 'pending', upload };

it('accepts an answer the document describes, in its envelope', async () => {
  await expect(checkResponse({ method: 'POST', path: '/images/upload', status: 201, headers: json, body: created })).resolves.toBeUndefined();
  await expect(checkResponse({ method: 'POST', path: '/auth/user_login', status: 401, headers: json, body: { message: 'Incorrect username or password', data: {}, error: true } })).resolves.toBeUndefined();
  await expect(checkResponse({ method: 'GET', path: '/images/download/image?image_id=x', status: 404, headers: json, body: { message: 'Image x not found' } })).resolves.toBeUndefined();
});

it('refuses an undocumented status, a missing or extra field, a wrong envelope and a missing required header', async () => {
  await expect(checkResponse({ method: 'POST', path: '/images/upload', status: 200, headers: json, body: created })).rejects.toThrow(/POST \/images\/upload -> 200: status not documented/);
  const { image_id: _, ...missing } = created;
  await expect(checkResponse({ method: 'POST', path: '/images/upload', status: 201, headers: json, body: missing })).rejects.toThrow(/must have required property 'image_id'/);
  await expect(checkResponse({ method: 'POST', path: '/images/upload', status: 201, headers: json, body: { ...created, owner: 'x' } })).rejects.toThrow(/must NOT have additional properties \(owner\)/);
  await expect(checkResponse({ method: 'POST', path: '/auth/user_signup', status: 400, headers: json, body: { message: 'bad' } })).rejects.toThrow(/does not match/);
  const tokens = {
    id_token: 'a', token: 'b', expires_in: 3600, token_type: 'Bearer', username: 'ada', user_sub: 'c',
    identity_id: 'us-east-1:0a1b2c3d-0000-4000-8000-000000000001', access_key: 'ASIAEXAMPLEEXAMPLE', secret_key: 's', session_key: 't', expires_at: '2030-01-01T00:00:00Z',
  };
  await expect(checkResponse({ method: 'POST', path: '/auth/user_login', status: 200, headers: json, body: { message: 'Logged in', data: tokens, error: false } })).rejects.toThrow(/required header Authorization is missing/);
  await expect(checkResponse({ method: 'POST', path: '/auth/user_login', status: 200, headers: { ...json, authorization: 'Bearer a' }, body: { message: 'Logged in', data: tokens, error: false } })).resolves.toBeUndefined();
  await expect(checkResponse({ method: 'POST', path: '/images/upload', status: 201, headers: { 'content-type': 'text/plain' }, body: 'created' })).rejects.toThrow(/answered text\/plain/);
});

it('leaves what is not the documented API alone: local routes and methods a route does not have', async () => {
  await expect(checkResponse({ method: 'GET', path: '/_local/outbox', status: 200, headers: json, body: [] })).resolves.toBeUndefined();
  await expect(checkResponse({ method: 'DELETE', path: '/images/upload', status: 405, headers: json, body: { message: 'Method Not Allowed' } })).resolves.toBeUndefined();
});

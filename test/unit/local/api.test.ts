import { startHttpApi, type HttpApi } from '../../../scripts/local/api';
import type { FunctionSpec } from '../../../scripts/manifest';

const route = (name: string, entry: string, method: string, path: string): FunctionSpec =>
  ({ name, entry, trigger: { type: 'http', method, path, auth: 'required' }, memory: 128, timeout: 3, env: {}, permissions: [] }) as unknown as FunctionSpec;

let api: HttpApi;
beforeAll(async () => {
  api = await startHttpApi({
    port: 0,
    functions: [
      route('social-get-user', 'functions/social/get_user/handler.ts', 'GET', '/user/{id}'),
      route('datasets-projects-info', 'functions/datasets/projects_info/handler.ts', 'POST', '/projects/info'),
      route('auth-user-login', 'functions/auth/user_login/handler.ts', 'POST', '/auth/user_login'),
      route('images-upload', 'functions/images/upload/handler.ts', 'POST', '/images/upload'),
      { name: 'gateway-unmatched', entry: 'functions/gateway/unmatched/handler.ts', trigger: { type: 'http-default' }, memory: 128, timeout: 3, env: {}, permissions: [] },
    ],
  });
});
afterAll(() => api.close());

const answer = async (method: string, path: string) => {
  const response = await fetch(`${api.url}${path}`, { method });
  return [response.status, await response.json()];
};

describe('the local gateway on an unmatched route, through the $default function', () => {
  it('answers in the envelope of the service the path belongs to', async () => {
    expect(await answer('GET', '/user/1/nothing')).toEqual([404, { response: null, message: 'Not Found' }]);
    expect(await answer('DELETE', '/user/1')).toEqual([405, { response: null, message: 'Method Not Allowed' }]);
    expect(await answer('POST', '/projects/nothing')).toEqual([404, { data: null, error: true, success: false, message: 'Not Found' }]);
    expect(await answer('GET', '/auth/user_login')).toEqual([405, { message: 'Method Not Allowed', data: {}, error: true }]);
    expect(await answer('GET', '/images/nothing')).toEqual([404, { message: 'Not Found' }]);
  });

  it('names the methods a known path takes', async () => {
    const response = await fetch(`${api.url}/user/1`, { method: 'DELETE' });
    expect([response.status, response.headers.get('allow')]).toEqual([405, expect.stringContaining('GET')]);
  });

  it('answers a path of no service plainly', async () => {
    expect(await answer('GET', '/nowhere')).toEqual([404, { message: 'Not Found' }]);
  });
});

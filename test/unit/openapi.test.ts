import { openApiDocument } from '../../scripts/build/openapi';
import { loadManifest } from '../../scripts/manifest';

describe('the generated OpenAPI document', () => {
  it('has every HTTP route of the manifest, with its auth and input', async () => {
    const doc = await openApiDocument();
    const routes = loadManifest().functions.flatMap((fn) => fn.trigger.type === 'http' ? [fn.trigger] : []);
    for (const route of routes) {
      const operation = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation).toBeDefined();
      expect(operation.security).toEqual(route.auth === 'required' ? [{ cognito: [] }] : []);
    }
    const upload = doc.paths['/images/upload'].post;
    expect(upload.requestBody.content['application/json'].schema.required).toEqual(['file_name']);
    const download = doc.paths['/images/download/image'].get;
    expect(download.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'image_id', in: 'query', required: true })]));
    const photo = doc.paths['/photos/upload_single_photo'].post.requestBody.content;
    expect(Object.keys(photo).sort()).toEqual(['application/json', 'application/octet-stream', 'multipart/form-data']);
    expect(photo['application/json'].schema.required).toEqual(expect.arrayContaining(['filename', 'content_type', 'size']));
    expect(doc.paths['/auth/user_signup'].post.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/authError');
  });
});

/**
 * A smoke subset of the integration suite against the artefact-mode stack: the zips `npm run build`
 * makes, unpacked with their layers and run in one process per function (scripts/local/artefacts.ts).
 * Every response is checked against the OpenAPI document by api(), as in the integration project.
 */
import { fixturePhoto, photoZip } from '../support/archives';
import { api, newUser, presignedPost, stack, waitFor, type TestUser } from '../support/stack';

interface Series { name: string; dimensions: Record<string, string>; sum: number }
const metrics = async () => (await (await fetch(stack().metrics)).json()) as { mode: string; totals: Record<string, number>; series: Series[] };

let ada: TestUser;
beforeAll(async () => { ada = await newUser('ada'); });

it('runs the built artefacts, one execution environment per function', async () => {
  expect(stack().mode).toBe('artefacts');
  const { mode, series } = await metrics();
  expect(mode).toBe('artefacts');
  // Each function counts its own cold start: module state is not shared between functions.
  const coldStarts = series.filter((s) => s.name === 'ColdStart').map((s) => s.dimensions.function_name);
  expect(coldStarts).toEqual(expect.arrayContaining(['darkroom-auth-user-signup', 'darkroom-auth-auth-confirm', 'darkroom-auth-user-login']));
});

it('uploads an image and serves its thumbnail (jwt layer, sharp layer, S3 -> SQS -> worker)', async () => {
  const created = await api('/images/upload', { token: ada.idToken, body: { file_name: 'Storm.jpg' } });
  expect(created.status).toBe(201);
  expect(await presignedPost(created.body.upload, fixturePhoto('Storm.jpg'), 'Storm.jpg')).toBe(204);
  const thumbnail = await waitFor(async () => {
    const response = await api(`/images/download/thumbnail?image_id=${created.body.image_id}`, { token: ada.idToken });
    return response.status === 404 ? undefined : response;
  }, { timeout: 60_000, what: 'the thumbnail' });
  expect(thumbnail.status).toBe(200);
  expect(thumbnail.body).toMatchObject({ variant: 'thumbnail', content_type: 'image/jpeg' });
  expect(Math.max(thumbnail.body.width, thumbnail.body.height)).toBeLessThanOrEqual(256);
  const redirected = await api(`/images/download/image?image_id=${created.body.image_id}&redirect=true`, { token: ada.idToken });
  expect(redirected.status).toBe(302);
  expect(Buffer.from(await (await fetch(redirected.headers.get('location')!)).arrayBuffer()).equals(fixturePhoto('Storm.jpg'))).toBe(true);
  expect((await metrics()).totals.ThumbnailsMade).toBeGreaterThanOrEqual(1);
}, 120_000);

it('stores, lists, unpacks, downloads and deletes photos', async () => {
  const single = await api('/photos/upload_single_photo?filename=coffee.png', { token: ada.idToken, body: fixturePhoto('coffee.png'), headers: { 'content-type': 'image/png' } });
  expect(single.status).toBe(201);
  const unzipped = await api('/photos/unzip', { token: ada.idToken, body: await photoZip(['Wood.jpg', 'Storm.jpg'].map((name) => ({ name, data: fixturePhoto(name) }))), headers: { 'content-type': 'application/zip' } });
  expect(unzipped.status).toBe(200);
  expect(unzipped.body).toMatchObject({ mode: 'sync', landed_count: 2, skipped_count: 0 });
  const list = await api('/photos/list', { token: ada.idToken, body: {} });
  expect(list.body.photos.map((p: { filename: string }) => p.filename).sort()).toEqual([single.body.filename, ...unzipped.body.landed.map((l: { filename: string }) => l.filename)].sort());
  const download = await api('/photos/download', { token: ada.idToken, body: { filename: single.body.filename } });
  expect(download.status).toBe(200);
  expect(Buffer.from(await (await fetch(download.body.url)).arrayBuffer()).equals(fixturePhoto('coffee.png'))).toBe(true);
  expect((await api('/photos/delete', { token: ada.idToken, body: { file: single.body.filename } })).body).toEqual({ deleted: [single.body.filename], not_found: [] });
  expect((await metrics()).totals.ArchivesUnpacked).toBeGreaterThanOrEqual(1);
}, 120_000);

it('refuses bad input in the envelope, and tokens after a logout', async () => {
  expect(await api('/auth/user_login', { body: { username: ada.username } })).toMatchObject({ status: 400, body: { message: 'password: is required (body)', error: true } });
  expect((await api('/auth/logout', { token: ada.accessToken, body: { refresh_token: ada.refreshToken } })).status).toBe(200);
  expect((await api('/auth/template-invite-mail', { token: ada.idToken })).status).toBe(401);
});

it('serves the chat\'s WebSocket API from the built zips: a message sent over REST reaches the other member\'s socket, the socket\'s reaches REST', async () => {
  const { chatCast, memberSocket } = await import('../support/chat');
  const cast = await chatCast();
  const [owner, member] = [await memberSocket(cast.owner, cast.eventId), await memberSocket(cast.member, cast.eventId)];
  try {
    const sent = await api(`/chat/${cast.eventId}/messages`, { token: cast.owner.idToken, body: { message: 'from the zips' } });
    expect((await member.next((f) => f.type === 'message' && f.message.id === sent.body.response.id)).message).toEqual(sent.body.response);
    member.send({ action: 'send', event_id: cast.eventId, message: 'back over the socket' });
    const answer = await member.next((f) => f.type === 'sent');
    expect((await owner.next((f) => f.type === 'message' && f.message.id === answer.message.id)).message.message).toBe('back over the socket');
    expect((await api(`/chat/${cast.eventId}/messages`, { token: cast.member.idToken })).body.response[0]).toEqual(answer.message);
  } finally {
    owner.socket.terminate();
    member.socket.terminate();
  }
}, 120_000);

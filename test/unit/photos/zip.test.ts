import { logger } from '@darkroom/runtime';
import { ARCHIVE_LIMITS, type ArchiveLimits } from '../../../functions/photos/lib/limits';
import { bufferSource, entryNameProblem, inspectArchive, openArchive, readEntry } from '../../../functions/photos/lib/zip';
import { deflated, fixturePhoto, lyingZip, manyEntries, photoZip, rawZip, stored, zipBomb } from '../../support/archives';

const inspect = async (archive: Buffer, limits: ArchiveLimits = ARCHIVE_LIMITS) => {
  const zip = await openArchive(bufferSource(archive));
  return { zip, plan: await inspectArchive(zip, archive.length, limits) };
};
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (error: { statusCode: number; message: string }) => ({ status: error.statusCode, message: error.message }));

describe('entry names', () => {
  it.each([
    ['../x.jpg', /escapes/], ['a/../../x.jpg', /escapes/], ['/etc/x.jpg', /absolute/], ['C:/x.jpg', /absolute/],
    ['a\\..\\..\\x.jpg', /backslash/], ['bad\u0007.jpg', /control/], [`${'a'.repeat(1025)}.jpg`, /longer/],
  ])('refuses %j', (name, reason) => expect(entryNameProblem(name, 1024)).toMatch(reason));
  it.each(['a.jpg', 'trip/day 2/ä.jpg', '..hidden.jpg', 'a..b.jpg'])('accepts %j', (name) => expect(entryNameProblem(name, 1024)).toBeUndefined());
});

describe('central directory checks, before anything is inflated', () => {
  it('plans real photos and skips directories, hidden files and encrypted or exotic entries with reasons', async () => {
    const archive = await photoZip([
      { name: 'trip/', data: Buffer.alloc(0) }, { name: 'trip/coffee.png', data: fixturePhoto('coffee.png') },
      { name: '.DS_Store', data: Buffer.from('x') }, { name: '__MACOSX/trip/._coffee.png', data: Buffer.from('x') },
    ]);
    const { plan } = await inspect(archive);
    expect(plan.entries.map((e) => e.name)).toEqual(['trip/coffee.png']);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['hidden or system file', 'hidden or system file']);
    expect(plan.totalBytes).toBe(fixturePhoto('coffee.png').length);
  });

  it.each([
    ['zip-slip', () => rawZip([stored('ok.png', Buffer.from('x')), stored('../x.jpg', Buffer.from('x'))]), 422, /Unsafe entry "..\/x.jpg"/],
    ['absolute', () => rawZip([stored('/etc/x.jpg', Buffer.from('x'))]), 422, /absolute path/],
    ['backslashes', () => rawZip([stored('a\\..\\..\\x.jpg', Buffer.from('x'))]), 422, /backslash/],
    ['a 1 GiB zip bomb', () => zipBomb(), 413, /1024 MiB uncompressed; the limit per entry is 50 MiB/],
    ['a 40 MiB bomb under the entry cap', () => zipBomb(40 * 1024 * 1024), 422, /expands \d+:1; the limit is 100:1/],
    ['100,000 entries (ZIP64 directory)', () => manyEntries(100_000), 413, /100000 entries; the limit is 10000/],
    ['not a zip', () => Buffer.from('hello world, no archive here'), 400, /Not a valid ZIP archive/],
  ])('refuses %s', async (_, build, status, message) => {
    const archive = build();
    expect(await refusal(inspect(archive))).toEqual({ status, message: expect.stringMatching(message) });
  });

  it('refuses more entries than the cap allows, and more total bytes', async () => {
    const archive = rawZip(Array.from({ length: 12 }, (_, i) => stored(`${i}.jpg`, Buffer.alloc(1000))));
    expect(await refusal(inspect(archive, { ...ARCHIVE_LIMITS, maxEntries: 10 }))).toMatchObject({ status: 413 });
    expect(await refusal(inspect(archive, { ...ARCHIVE_LIMITS, maxTotalBytes: 5000 }))).toMatchObject({ status: 413, message: expect.stringMatching(/uncompressed/) });
  });

  it('refuses overlapping entries (the "better zip bomb" layout)', async () => {
    const archive = rawZip([stored('a.jpg', Buffer.alloc(100)), stored('b.jpg', Buffer.alloc(100))]);
    // Point the second central directory record at the first local header.
    const cd = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    archive.writeUInt32LE(0, cd + 42);
    expect(await refusal(inspect(archive))).toMatchObject({ status: 422, message: expect.stringMatching(/overlap/) });
  });
});

describe('inflate-time byte counting', () => {
  it('aborts an entry whose header understates its size as soon as it passes the declared size', async () => {
    const { zip, plan } = await inspect(lyingZip([], 1000, 16 * 1024 * 1024));
    expect(await refusal(readEntry(zip, plan.entries[0]!, ARCHIVE_LIMITS))).toEqual({ status: 422, message: expect.stringMatching(/more than the 1000 bytes its header declares/) });
  });

  it('refuses an entry that yields fewer bytes than declared', async () => {
    const { zip, plan } = await inspect(rawZip([deflated('short.jpg', Buffer.alloc(500), 5000)]));
    expect(await refusal(readEntry(zip, plan.entries[0]!, ARCHIVE_LIMITS))).toMatchObject({ status: 422 });
  });

  it('refuses damaged deflate data', async () => {
    const { zip, plan } = await inspect(rawZip([{ name: 'x.jpg', data: Buffer.from('definitely not deflate data ....'), method: 8, uncompressedSize: 100 }]));
    expect(await refusal(readEntry(zip, plan.entries[0]!, ARCHIVE_LIMITS))).toMatchObject({ status: 422, message: expect.stringMatching(/damaged|declares/) });
  });

  it('never answers with yauzl\'s or zlib\'s text: the detail goes to the log', async () => {
    const info = jest.spyOn(logger, 'info');
    const notZip = (await refusal(inspect(Buffer.from('hello world, no archive here'))))!;
    const { zip, plan } = await inspect(rawZip([{ name: 'x.jpg', data: Buffer.from('definitely not deflate data ....'), method: 8, uncompressedSize: 100 }]));
    const damaged = (await refusal(readEntry(zip, plan.entries[0]!, ARCHIVE_LIMITS)))!;
    expect(notZip.message).toBe('Not a valid ZIP archive: its end of central directory record is missing or damaged');
    for (const { message } of [notZip, damaged]) {
      expect(message).not.toMatch(/signature not found|invalid (stored )?block|incorrect header check|unexpected end|Z_DATA_ERROR|invalid distance|invalid code lengths/i);
    }
    const logged = info.mock.calls.filter(([what]) => what === 'archive refused').map(([, fields]) => fields as { detail: string });
    expect(logged.map((fields) => fields.detail)).toEqual(expect.arrayContaining([expect.stringMatching(/end of central directory record signature not found/i)]));
    info.mockRestore();
  });

  it('returns honest entries byte for byte', async () => {
    const photo = fixturePhoto('Storm.jpg');
    const { zip, plan } = await inspect(await photoZip([{ name: 'Storm.jpg', data: photo }]));
    expect((await readEntry(zip, plan.entries[0]!, ARCHIVE_LIMITS)).equals(photo)).toBe(true);
  });
});

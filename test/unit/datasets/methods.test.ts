import sharp from 'sharp';
import {
  chooseReference, listMethods, measureBytes, METHODS, methodById, renderOutput, replayOutput, selectMethods, seededRandom, decode,
} from '../../../functions/datasets/lib/methods';
import { fixturePhoto } from '../../support/archives';

let jpeg: Buffer;
let png: Buffer;
beforeAll(async () => {
  jpeg = await sharp(fixturePhoto('chelsea.png')).resize(240, 160, { fit: 'fill' }).jpeg().toBuffer();
  png = await sharp(fixturePhoto('coffee.png')).resize(150, 100, { fit: 'fill' }).png().toBuffer();
});

const ids = (kind: 'augmentation' | 'preprocessing') => METHODS.filter((m) => m.kind === kind).map((m) => m.method_id);
const render = (id: string, seed = 'task-1/a.jpg/0', source = jpeg) => renderOutput(source, { methods: [methodById(id)!], seed });
const raw = async (data: Buffer) => sharp(data).raw().toBuffer({ resolveWithObject: true });

describe('the method registry', () => {
  it('lists the original platform\'s ids and names, in id order', () => {
    const listed = listMethods();
    expect(listed.augmentation.map((m) => `${m.method_id} ${m.method_name}`)).toEqual([
      'AUG-000 random_rotate', 'AUG-001 random_scale', 'AUG-002 random_translate', 'AUG-003 random_horizontal_flip',
      'AUG-004 random_vertical_flip', 'AUG-005 random_crop', 'AUG-006 random_tile', 'AUG-007 random_erase',
      'AUG-008 random_gaussian_noise', 'AUG-009 random_gaussian_blur', 'AUG-010 random_sharpness', 'AUG-011 random_brightness',
      'AUG-012 random_hue', 'AUG-013 random_saturation', 'AUG-014 random_contrast', 'AUG-015 random_solarize',
      'AUG-016 random_posterize', 'AUG-017 super_resolution',
    ]);
    expect(listed.preprocessing.map((m) => `${m.method_id} ${m.method_name}`)).toEqual([
      'PRE-000 auto_orientation', 'PRE-001 grayscale', 'PRE-002 normalize_brightness', 'PRE-003 normalize_hue',
      'PRE-004 normalize_saturation', 'PRE-005 normalize_sharpness', 'PRE-006 normalize_contrast', 'PRE-008 equalize_histogram',
      'PRE-009 high_resolution',
    ]);
    for (const id of ['AUG-017', 'PRE-009']) expect(methodById(id)!.description).toMatch(/Lanczos.*no super-resolution model/);
    for (const m of METHODS) for (const r of Object.values(m.ranges)) expect(r.source).toBeTruthy();
  });
});

describe.each(ids('augmentation').filter((id) => id !== 'AUG-017'))('%s', (id) => {
  it('keeps the input size, on JPEG and PNG sources, and encodes in the source format', async () => {
    for (const [source, width, height, type] of [[jpeg, 240, 160, 'image/jpeg'], [png, 150, 100, 'image/png']] as const) {
      const out = await render(id, 'seed', source);
      expect([out.width, out.height, out.contentType]).toEqual([width, height, type]);
      const meta = await sharp(out.data).metadata();
      expect([meta.width, meta.height]).toEqual([width, height]);
    }
  });

  it('gives the same bytes for the same seed, and a replay of the recorded parameters gives them too', async () => {
    const [a, b] = [await render(id), await render(id)];
    expect(a.data.equals(b.data)).toBe(true);
    expect(a.applied).toEqual([{ method_id: id, method_name: methodById(id)!.method_name, params: expect.any(Object) }]);
    const replay = await replayOutput(jpeg, a.applied);
    expect(replay.data.equals(a.data)).toBe(true);
  });

  it('draws its parameters inside the documented ranges, and different seeds draw different ones', async () => {
    const method = methodById(id)!;
    const { frame } = await decode(jpeg);
    const drawn = await Promise.all(Array.from({ length: 200 }, (_, i) => method.parameters(frame, { random: seededRandom(`s${i}`) })));
    for (const [name, r] of Object.entries(method.ranges)) {
      const values = drawn.map((p) => p[name]).filter((v): v is number => typeof v === 'number');
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(r.min);
        expect(v).toBeLessThanOrEqual(r.max);
        if (r.integer) expect(Number.isInteger(v)).toBe(true);
      }
      // Draws spread over the range rather than sticking to one value.
      if (values.length && r.max > r.min) expect(new Set(values).size).toBeGreaterThan(1);
    }
    if (!['AUG-003', 'AUG-004'].includes(id)) expect(new Set(drawn.map((p) => JSON.stringify(p))).size).toBeGreaterThan(1);
  });
});

describe('what each augmentation does', () => {
  it('flips mirror the pixels exactly', async () => {
    const source = await sharp({ create: { width: 3, height: 2, channels: 3, background: '#000' } })
      .composite([{ input: { create: { width: 1, height: 1, channels: 3, background: '#fff' } }, left: 0, top: 0 }]).png().toBuffer();
    const h = await raw((await render('AUG-003', 's', source)).data);
    const v = await raw((await render('AUG-004', 's', source)).data);
    const at = (image: typeof h, x: number, y: number) => image.data[(y * 3 + x) * image.info.channels];
    expect([at(h, 0, 0), at(h, 2, 0), at(v, 0, 0), at(v, 0, 1)]).toEqual([0, 255, 0, 255]); // white moved from (0,0) to (2,0), and to (0,1)
  });

  it('erase blacks out exactly the recorded box; solarize and posterize map every level as documented', async () => {
    const white = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c8c8c8' } }).png().toBuffer();
    const erased = await render('AUG-007', 'e1', white);
    const box = erased.applied[0]!.params as { left: number; top: number; width: number; height: number };
    const pixels = await raw(erased.data);
    let black = 0;
    for (let i = 0; i < pixels.data.length; i += 3) if (pixels.data[i] === 0) black++;
    expect(black).toBe(box.width * box.height);
    const solar = await render('AUG-015', 's', white);
    expect((await raw(solar.data)).data[0]).toBe(255 - 200); // 200 >= every threshold: inverted
    const poster = await render('AUG-016', 's', white);
    const bits = poster.applied[0]!.params.bits as number;
    expect((await raw(poster.data)).data[0]).toBe(200 & ((0xff << (8 - bits)) & 0xff));
  });

  it('tile keeps every pixel (a permutation of the tiles) and noise has the recorded variance', async () => {
    const tiled = await render('AUG-006', 't', png);
    const [before, after] = [await raw((await render('AUG-003', 'x', await render('AUG-003', 'x', png).then((r) => r.data))).data), await raw(tiled.data)];
    const sum = (b: Buffer) => b.reduce((a, v) => a + v, 0);
    expect(sum(after.data)).toBe(sum(before.data));
    const grey = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#808080' } }).png().toBuffer();
    const noisy = await render('AUG-008', 'n', grey);
    const values = (await raw(noisy.data)).data;
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean - 128)).toBeLessThan(1);
    expect(variance / (noisy.applied[0]!.params.variance as number)).toBeGreaterThan(0.85);
    expect(variance / (noisy.applied[0]!.params.variance as number)).toBeLessThan(1.15);
  });

  it.each(['AUG-017', 'PRE-009'])('%s doubles the size', async (id) => {
    const out = await render(id);
    expect([out.width, out.height]).toEqual([480, 320]);
    expect(out.applied[0]!.params).toEqual({ scale: 2, sigma: 1 });
  });
});

describe('preprocessing', () => {
  it.each(ids('preprocessing').filter((id) => id !== 'PRE-009'))('%s keeps the size and is deterministic', async (id) => {
    const [a, b] = [await render(id), await render(id, 'another seed')];
    expect([a.width, a.height]).toEqual([240, 160]);
    expect(a.data.equals(b.data)).toBe(true); // preprocessing draws nothing
  });

  it('grayscale writes one channel', async () => {
    const out = await render('PRE-001');
    expect((await sharp(out.data).metadata()).channels).toBe(1);
  });

  it.each([
    ['PRE-002', 'brightness'], ['PRE-004', 'saturation'], ['PRE-006', 'contrast'], ['PRE-005', 'sharpness'], ['PRE-003', 'hue'],
  ] as const)('%s moves the image\'s %s towards the reference image\'s', async (id, statistic) => {
    const reference = await sharp(png).resize(240, 160, { fit: 'fill' }).modulate({ brightness: 1.3, saturation: 1.6, hue: 60 }).linear(1.4, -40).sharpen({ sigma: 2 }).jpeg().toBuffer();
    const target = (await measureBytes(reference))[statistic];
    const before = (await measureBytes(jpeg))[statistic];
    const out = await renderOutput(jpeg, { methods: [methodById(id)!], seed: 's', references: { [id]: { filename: 'ref.jpg', value: target } } });
    const after = (await measureBytes(out.data))[statistic];
    const distance = (a: number, b: number) => (statistic === 'hue' ? Math.abs(((a - b + 540) % 360) - 180) : Math.abs(a - b));
    expect(distance(after, target)).toBeLessThan(distance(before, target) * 0.6);
    expect(out.applied[0]!.params).toMatchObject({ own: before, target });
  });

  it('PRE-008 matches the histogram to the reference\'s', async () => {
    const reference = await sharp(png).resize(240, 160, { fit: 'fill' }).linear(0.5, 100).jpeg().toBuffer();
    const histogram = (await measureBytes(reference)).histogram;
    const out = await renderOutput(jpeg, { methods: [methodById('PRE-008')!], seed: 's', references: { 'PRE-008': { filename: 'r', value: 0, histogram } } });
    const [ref, before, after] = [await measureBytes(reference), await measureBytes(jpeg), await measureBytes(out.data)];
    expect(Math.abs(after.brightness - ref.brightness)).toBeLessThan(Math.abs(before.brightness - ref.brightness) * 0.3);
    expect(Math.abs(after.contrast - ref.contrast)).toBeLessThan(Math.abs(before.contrast - ref.contrast) * 0.5);
  });

  it('runs several methods in id order, each recorded with its parameters', async () => {
    const selection = selectMethods(['PRE-008', 'PRE-000', 'PRE-002'], 'ORIGINAL');
    const out = await renderOutput(jpeg, { methods: selection.methods, seed: 's' });
    expect(out.applied.map((a) => a.method_id)).toEqual(['PRE-000', 'PRE-002', 'PRE-008']);
    expect((await replayOutput(jpeg, out.applied)).data.equals(out.data)).toBe(true);
  });

  it('chooses the reference with the median statistic, ties by name', () => {
    const candidate = (filename: string, brightness: number) => ({ filename, statistics: { brightness } as never });
    expect(chooseReference([candidate('c', 30), candidate('a', 10), candidate('b', 20)], 'brightness')!.filename).toBe('b');
    expect(chooseReference([candidate('d', 40), candidate('c', 30), candidate('a', 10), candidate('b', 20)], 'brightness')!.filename).toBe('b');
    expect(chooseReference([], 'brightness')).toBeUndefined();
  });
});

describe('method selection rules', () => {
  it.each([
    [[], 'ORIGINAL', /at least one/],
    [['AUG-099'], 'ORIGINAL', /Unknown method id\(s\): AUG-099/],
    [['PRE-007'], 'ORIGINAL', /Unknown/],
    [['AUG-001', 'AUG-001'], 'ORIGINAL', /twice: AUG-001/],
    [['AUG-001', 'PRE-002'], 'ORIGINAL', /do not mix/],
    [['PRE-002'], 'PREPROCESS', /already preprocessed/],
  ] as const)('refuses %j on %s', (list, dataType, message) => {
    expect(() => selectMethods(list, dataType)).toThrow(message);
  });

  it('grayscale drops the other preprocessing methods except PRE-000 and PRE-009', () => {
    const s = selectMethods(['PRE-009', 'PRE-002', 'PRE-001', 'PRE-008', 'PRE-000'], 'ORIGINAL');
    expect(s.methods.map((m) => m.method_id)).toEqual(['PRE-000', 'PRE-001', 'PRE-009']);
    expect(s.dropped).toEqual(['PRE-002', 'PRE-008']);
  });

  it('keeps the order of augmentation methods, and augments PREPROCESS data', () => {
    expect(selectMethods(['AUG-009', 'AUG-001'], 'PREPROCESS').methods.map((m) => m.method_id)).toEqual(['AUG-009', 'AUG-001']);
  });
});

describe('decoding', () => {
  it('refuses what is not an image', async () => {
    await expect(renderOutput(Buffer.from('not an image'), { methods: [methodById('AUG-003')!], seed: 's' })).rejects.toThrow(/not a decodable image/);
    await expect(renderOutput(Buffer.alloc(0), { methods: [methodById('AUG-003')!], seed: 's' })).rejects.toThrow(/empty/);
  });

  it('applies EXIF orientation before any method', async () => {
    const rotated = await sharp(jpeg).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const out = await renderOutput(rotated, { methods: [methodById('PRE-000')!], seed: 's' });
    expect([out.width, out.height]).toEqual([160, 240]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeThumbnail, MAX_INPUT_PIXELS, probeImage, undecodable, UndecodableImageError } from '@darkroom/media';

const photo = (name: string) => readFileSync(join(__dirname, '../../fixtures/photos', name));

describe('makeThumbnail', () => {
  it('fits a 20 MP photo inside 256 px as JPEG and reports the original size', async () => {
    const result = await makeThumbnail(photo('Kleiber_by_Lukas_Baubkus.jpg'));
    expect(result.source).toEqual({ format: 'jpeg', contentType: 'image/jpeg', width: 6028, height: 3391 });
    expect([result.width, result.height]).toEqual([256, 144]);
    const meta = await sharp(result.data).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.width, meta.height]).toEqual([256, 144]);
  });

  it('strips metadata (the EXIF of a camera photo does not reach the thumbnail)', async () => {
    expect((await sharp(photo('Wood.jpg')).metadata()).exif).toBeDefined();
    const meta = await sharp((await makeThumbnail(photo('Wood.jpg'))).data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
  });

  it('applies the EXIF orientation (a portrait stored landscape comes out portrait)', async () => {
    const landscape = await sharp({ create: { width: 400, height: 200, channels: 3, background: '#f00' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const result = await makeThumbnail(landscape);
    expect([result.source.width, result.source.height]).toEqual([200, 400]);
    expect([result.width, result.height]).toEqual([128, 256]);
  });

  it('does not enlarge small images, flattens alpha on white, and keeps WebP as WebP', async () => {
    const transparent = await sharp({ create: { width: 100, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const png = await makeThumbnail(transparent);
    expect([png.width, png.height, png.contentType]).toEqual([100, 50, 'image/jpeg']);
    const { data } = await sharp(png.data).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(250);
    const webp = await makeThumbnail(await sharp(photo('coffee.png')).webp().toBuffer());
    expect(webp.contentType).toBe('image/webp');
    expect((await sharp(webp.data).metadata()).format).toBe('webp');
  });

  it.each([
    ['text', Buffer.from('hello, this is not an image')],
    ['a truncated JPEG', photo('Wood.jpg').subarray(0, 4000)],
    ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')],
    ['empty', Buffer.alloc(0)],
  ])('refuses %s as undecodable', async (_, input) => {
    await expect(makeThumbnail(input)).rejects.toBeInstanceOf(UndecodableImageError);
  });

  it.each([
    ['text', () => makeThumbnail(Buffer.from('hello, this is not an image')), 'not a decodable image: not an image format Darkroom accepts, or its header is damaged'],
    ['a JPEG cut in half', () => { const wood = photo('Wood.jpg'); return makeThumbnail(wood.subarray(0, wood.length / 2)); }, 'image could not be decoded: its data is damaged or truncated'],
    ['text, probed', () => probeImage(Buffer.from('hello, this is not an image')), 'not a decodable image: not an image format Darkroom accepts, or its header is damaged'],
  ])('gives %s a reason in its own words, libvips\' text kept apart as detail (for the log)', async (_, attempt, reason) => {
    const error = await attempt().then(() => undefined, (e: unknown) => e as UndecodableImageError);
    expect(error).toBeInstanceOf(UndecodableImageError);
    expect(error!.message).toBe(reason);
    expect(error!.detail).toEqual(expect.any(String));
    expect(error!.detail!.length).toBeGreaterThan(0);
    expect(error!.message).not.toContain(error!.detail!);
    expect(error!.message).not.toMatch(/vips|Input buffer|jpeg2vips|VipsJpeg|premature end/i);
  });

  it('names the pixel limit, not libvips\' words, for an image over it', () => {
    const error = undecodable(new Error('Input image exceeds pixel limit'), 'header');
    expect(error.message).toBe(`image is larger than ${MAX_INPUT_PIXELS} pixels`);
    expect(error.detail).toBe('Input image exceeds pixel limit');
  });
});

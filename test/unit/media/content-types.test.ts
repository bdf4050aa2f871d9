import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { contentTypeOf, imageContentTypeOf, isImageContentType, isVideoContentType, sniffContentType } from '@darkroom/media';

const fixture = (path: string) => readFileSync(join(__dirname, '../../fixtures', path));

describe('content types by extension', () => {
  it('knows image types by extension only among accepted formats', () => {
    expect(imageContentTypeOf('a.JPG')).toBe('image/jpeg');
    expect(imageContentTypeOf('a.webp')).toBe('image/webp');
    expect(imageContentTypeOf('a.svg')).toBeUndefined();
    expect(imageContentTypeOf('noext')).toBeUndefined();
    expect(imageContentTypeOf('clip.mp4')).toBeUndefined();
  });

  it('knows videos as media too, and tells the kinds apart', () => {
    expect(contentTypeOf('clip.MP4')).toBe('video/mp4');
    expect(contentTypeOf('clip.webm')).toBe('video/webm');
    expect(contentTypeOf('shot.png')).toBe('image/png');
    expect(contentTypeOf('notes.txt')).toBeUndefined();
    expect(isImageContentType('image/png')).toBe(true);
    expect(isImageContentType('video/mp4')).toBe(false);
    expect(isVideoContentType('video/quicktime')).toBe(true);
    expect(isVideoContentType(undefined)).toBe(false);
  });
});

describe('sniffContentType', () => {
  it('recognises the fixture photos from their bytes', () => {
    expect(sniffContentType(fixture('photos/Storm.jpg'))).toBe('image/jpeg');
    expect(sniffContentType(fixture('photos/coffee.png'))).toBe('image/png');
  });

  it('recognises WebP, GIF, TIFF and AVIF that sharp writes', async () => {
    const pixel = sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } });
    expect(sniffContentType(await pixel.clone().webp().toBuffer())).toBe('image/webp');
    expect(sniffContentType(await pixel.clone().gif().toBuffer())).toBe('image/gif');
    expect(sniffContentType(await pixel.clone().tiff().toBuffer())).toBe('image/tiff');
    expect(sniffContentType(await pixel.clone().avif().toBuffer())).toBe('image/avif');
  });

  it('recognises ISO BMFF video and WebM headers', () => {
    const ftyp = (brand: string) => Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftyp${brand}`), Buffer.alloc(8)]);
    expect(sniffContentType(ftyp('isom'))).toBe('video/mp4');
    expect(sniffContentType(ftyp('qt  '))).toBe('video/quicktime');
    expect(sniffContentType(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x01]))).toBe('video/webm');
  });

  it('refuses text named like an image, and truncated headers', () => {
    expect(sniffContentType(Buffer.from('hello, I am a .png'))).toBeUndefined();
    expect(sniffContentType(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffContentType(new Uint8Array())).toBeUndefined();
  });
});

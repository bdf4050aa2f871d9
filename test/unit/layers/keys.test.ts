import { ownerKey, parseOwnerKey, sanitizeFileName } from '@darkroom/runtime';

describe('sanitizeFileName', () => {
  it.each([
    ['cat.jpg', 'cat.jpg'],
    ['../../etc/passwd.jpg', 'passwd.jpg'],
    ['a\\..\\..\\x.jpg', 'x.jpg'],
    ['my holiday photo (1).JPG', 'my_holiday_photo_1_.JPG'],
    ['.hidden.png', 'hidden.png'],
    ['ünïcödé.png', 'unicode.png'],
    ['line\nbreak\u0000.jpg', 'line_break_.jpg'],
  ])('%j -> %j', (input, expected) => expect(sanitizeFileName(input)).toBe(expected));

  it.each(['..', '/', '', '\u0001\u0002', '___'])('refuses %j', (input) => expect(sanitizeFileName(input)).toBeUndefined());

  it('shortens a 1,000-character name to 200, keeping its extension', () => {
    const name = sanitizeFileName(`${'a'.repeat(1000)}.jpeg`)!;
    expect(name).toHaveLength(200);
    expect(name.endsWith('.jpeg')).toBe(true);
  });
});

describe('owner keys', () => {
  it('round-trips <sub>/<service>/<rest>', () => {
    const key = ownerKey('sub-1', 'images', 'id', 'cat.jpg');
    expect(key).toBe('sub-1/images/id/cat.jpg');
    expect(parseOwnerKey(key)).toEqual({ owner: 'sub-1', service: 'images', rest: 'id/cat.jpg' });
    expect(parseOwnerKey('loose.jpg')).toBeUndefined();
  });
});

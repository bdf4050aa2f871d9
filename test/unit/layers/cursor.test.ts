import { decodeCursor, encodeCursor } from '../../../layers/runtime/src/pagination';

const friendsOfA = { list: 'social.friends', partition: 'a' };

describe('the cursor codec', () => {
  it('gives back the position it was made with, for its own list and partition', () => {
    const cursor = encodeCursor(friendsOfA, { pk: 'USER#a', sk: 'FRIEND#b' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(decodeCursor(friendsOfA, cursor)).toEqual({ pk: 'USER#a', sk: 'FRIEND#b' });
  });

  it.each([
    ['another partition', { list: 'social.friends', partition: 'b' }],
    ['another list', { list: 'social.friend_requests', partition: 'a' }],
  ])('refuses a cursor of %s with 400', (_, scope) => {
    const cursor = encodeCursor(friendsOfA, { pk: 'USER#a', sk: 'FRIEND#b' });
    expect(() => decodeCursor(scope, cursor)).toThrow(expect.objectContaining({ statusCode: 400 }));
  });

  it('refuses an altered or made-up cursor with 400', () => {
    const [, mac] = encodeCursor(friendsOfA, { pk: 'USER#a', sk: 'FRIEND#b' }).split('.');
    const altered = `${Buffer.from('{"pk":"USER#b","sk":"FRIEND#a"}').toString('base64url')}.${mac}`;
    for (const cursor of [altered, 'garbage', 'a.b.c', Buffer.from('{"pk":"USER#a"}').toString('base64url')]) {
      expect(() => decodeCursor(friendsOfA, cursor)).toThrow(expect.objectContaining({ statusCode: 400 }));
    }
  });

  it('starts at the first page without a cursor', () => {
    expect([decodeCursor(friendsOfA, undefined), decodeCursor(friendsOfA, ''), decodeCursor(friendsOfA, null)]).toEqual([undefined, undefined, undefined]);
  });
});

import { commonFreeSlots, freeSlots, type BusyInterval } from '../../../functions/social/lib/events/slots';

const H = 3_600_000;
const M = 60_000;
const day = { from: 0, to: 24 * H };
const options = { minDuration: 30 * M, maxWeight: 0 };
const busy = (startH: number, endH: number, weight = 3): BusyInterval => ({ start: startH * H, end: endH * H, weight });
const hours = (slots: { start: number; end: number; weight: number }[]) => slots.map((s) => [s.start / H, s.end / H, s.weight]);

describe('freeSlots', () => {
  it('gives the whole range to an empty calendar', () => {
    expect(hours(freeSlots([], day, options))).toEqual([[0, 24, 0]]);
  });

  it('gives nothing when the range is fully booked, including by events reaching past both ends', () => {
    expect(freeSlots([busy(-2, 10), busy(10, 30)], day, options)).toEqual([]);
  });

  it('merges overlapping events and leaves the gaps around them', () => {
    expect(hours(freeSlots([busy(9, 11), busy(10, 12), busy(10.5, 11.5)], day, options))).toEqual([[0, 9, 0], [12, 24, 0]]);
  });

  it('leaves no slot between touching events', () => {
    expect(hours(freeSlots([busy(9, 10), busy(10, 11)], day, options))).toEqual([[0, 9, 0], [11, 24, 0]]);
  });

  it('ignores the order of the events and clips to [from, to)', () => {
    expect(hours(freeSlots([busy(20, 26), busy(-3, 1), busy(5, 6)], day, options))).toEqual([[1, 5, 0], [6, 20, 0]]);
  });

  it('drops slots shorter than min_duration and keeps one exactly that long', () => {
    const events = [busy(9, 10), busy(10.5, 11), busy(11 + 29 / 60, 12)];
    expect(hours(freeSlots(events, day, options))).toEqual([[0, 9, 0], [10, 10.5, 0], [12, 24, 0]]);
  });

  it('lets events of weight <= max_weight not block, summing their weights into the slots they overlap', () => {
    const events = [busy(9, 10, 5), busy(12, 13, 1), busy(12.5, 14, 2), busy(20, 21, 1)];
    expect(hours(freeSlots(events, day, { ...options, maxWeight: 2 }))).toEqual([[0, 9, 0], [10, 24, 4]]);
    expect(hours(freeSlots(events, day, { ...options, maxWeight: 1 }))).toEqual([[0, 9, 0], [10, 12.5, 1], [14, 24, 1]]);
    expect(hours(freeSlots(events, day, { ...options, maxWeight: 0 }))).toEqual([[0, 9, 0], [10, 12, 0], [14, 20, 0], [21, 24, 0]]);
  });

  it('counts a movable event that spans several slots into each of them', () => {
    const events = [busy(8, 18, 1), busy(10, 11, 4), busy(14, 15, 4)];
    expect(hours(freeSlots(events, day, { ...options, maxWeight: 1 }))).toEqual([[0, 10, 1], [11, 14, 1], [15, 24, 1]]);
  });

  it('ignores empty and inverted intervals', () => {
    expect(hours(freeSlots([{ start: 5 * H, end: 5 * H, weight: 3 }, { start: 7 * H, end: 6 * H, weight: 3 }], day, options))).toEqual([[0, 24, 0]]);
  });
});

describe('commonFreeSlots', () => {
  it('finds when everyone is free, whoever is busy', () => {
    const ada = [busy(9, 12)];
    const bob = [busy(11, 14)];
    const cy = [busy(18, 19)];
    expect(hours(commonFreeSlots([ada, bob, cy], day, options)).sort((a, b) => a[0]! - b[0]!)).toEqual([[0, 9, 0], [14, 18, 0], [19, 24, 0]]);
  });

  it('ranks by total weight first, then length, and returns at most 10', () => {
    const ada = [busy(6, 7), busy(10, 11, 1)];
    const bob = [busy(13, 14), busy(20, 22, 2)];
    const ranked = hours(commonFreeSlots([ada, bob], day, { ...options, maxWeight: 2 }));
    // Slots: [0,6] w0, [7,13] w1, [14,24] w2: weight decides before length.
    expect(ranked).toEqual([[0, 6, 0], [7, 13, 1], [14, 24, 2]]);
    const many = Array.from({ length: 30 }, (_, i) => busy(i * 0.8, i * 0.8 + 0.2));
    const top = commonFreeSlots([many], day, options);
    expect(top).toHaveLength(10);
    expect(top[0]!.end - top[0]!.start).toBeGreaterThanOrEqual(top[9]!.end - top[9]!.start);
  });

  it('breaks equal weight and length ties by start', () => {
    expect(hours(commonFreeSlots([[busy(1, 2), busy(3, 24)]], day, { ...options, minDuration: M }))).toEqual([[0, 1, 0], [2, 3, 0]]);
  });

  it('gives nothing when one person is booked throughout', () => {
    expect(commonFreeSlots([[], [busy(0, 24)]], day, options)).toEqual([]);
  });
});

/**
 * Free-slot computation (seed 004's "when is a group free to meet"): pure functions over busy
 * intervals, no I/O. Times are epoch milliseconds, intervals half-open `[start, end)`.
 */

/** A stretch of a calendar taken by an event: its weight (1-5) is how firmly the user holds it. */
export interface BusyInterval { start: number; end: number; weight: number }

/** A free stretch: `weight` is the sum of the weights of the movable events it overlaps (0 = truly free). */
export interface FreeSlot { start: number; end: number; weight: number }

/** Options of {@link freeSlots}. */
export interface FreeSlotOptions {
  /** Shortest slot worth offering, ms (> 0). */
  minDuration: number;
  /** Events of weight <= this do not block (0: every event blocks). */
  maxWeight: number;
}

/** Longest range a free-slot query may span: 90 days, as Google Calendar's freeBusy query allows. */
export const MAX_RANGE_MS = 90 * 86_400_000;
/** How many common slots an event's meetup finder returns. */
export const COMMON_SLOT_LIMIT = 10;

/**
 * The time in `[from, to)` not covered by a blocking interval (weight > `maxWeight`), as maximal
 * slots of at least `minDuration`, in time order. Overlapping and touching blocking intervals merge
 * (no zero-length slot between two events that touch). Movable intervals (weight <= `maxWeight`) do not
 * split slots: each slot's `weight` is the sum of the movable intervals overlapping it.
 *
 * O(n log n) in the number of intervals.
 * @param busy - intervals in any order; empty or inverted ones are ignored
 */
export function freeSlots(busy: readonly BusyInterval[], range: { from: number; to: number }, options: FreeSlotOptions): FreeSlot[] {
  const { from, to } = range;
  const blocking: BusyInterval[] = [];
  const movable: BusyInterval[] = [];
  for (const interval of busy) {
    if (interval.end <= interval.start || interval.end <= from || interval.start >= to) continue;
    (interval.weight > options.maxWeight ? blocking : movable).push(interval);
  }
  blocking.sort((a, b) => a.start - b.start);

  const slots: FreeSlot[] = [];
  let cursor = from;
  const close = (end: number) => {
    if (end - cursor >= options.minDuration) slots.push({ start: cursor, end, weight: 0 });
  };
  for (const interval of blocking) {
    if (interval.start > cursor) close(Math.min(interval.start, to));
    if (interval.end > cursor) cursor = interval.end;
    if (cursor >= to) break;
  }
  if (cursor < to) close(to);

  // Each movable interval adds its weight to the run of (sorted, disjoint) slots it overlaps.
  for (const interval of movable) {
    let index = firstEndingAfter(slots, interval.start);
    for (; index < slots.length && slots[index]!.start < interval.end; index++) slots[index]!.weight += interval.weight;
  }
  return slots;
}

/** Index of the first slot whose end is after `at` (binary search over sorted, disjoint slots). */
function firstEndingAfter(slots: readonly FreeSlot[], at: number): number {
  let low = 0;
  let high = slots.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (slots[middle]!.end <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The slots in `[from, to)` when everyone is free (no one has a blocking event), with each slot's
 * weight summed over everyone's movable events; ranked by weight (lowest first), then length (longest
 * first), then start; at most `limit`.
 * @param people - each person's busy intervals
 */
export function commonFreeSlots(
  people: readonly (readonly BusyInterval[])[], range: { from: number; to: number }, options: FreeSlotOptions, limit = COMMON_SLOT_LIMIT,
): FreeSlot[] {
  return freeSlots(people.flat(), range, options)
    .sort((a, b) => a.weight - b.weight || (b.end - b.start) - (a.end - a.start) || a.start - b.start)
    .slice(0, limit);
}

/**
 * A page of a list returned by a route: the envelope puts `items` where the service's answers carry
 * data and `next_cursor` beside it (the social envelope: `{response: items, next_cursor}`).
 */
export class Page<T = unknown> {
  constructor(readonly items: T[], readonly next_cursor: string | null) {}
}

/** Wraps a {@link CursorPage}-shaped result as a {@link Page} for the envelope. */
export const page = <T>(result: { items: T[]; next_cursor: string | null }): Page<T> => new Page(result.items, result.next_cursor);

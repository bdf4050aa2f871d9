/** The one cursor convention of every list: `limit` and `cursor` in, `next_cursor` (null on the last page) out. */
export {
  encodeCursor, decodeCursor, foreignCursor, cursorSchema, nextCursorSchema, pageProperties, pageQuerySchema, CURSOR_SECRET_VARIABLE, type CursorScope,
} from './cursor';
export { queryPage, type CursorPage, type QueryPageOptions } from './query';
export { Page, page } from './page';

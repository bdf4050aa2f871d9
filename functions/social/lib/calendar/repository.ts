/**
 * The social table's calendar items: imported events (written in batches) and the feed token of each
 * user (`USER#<sub>` / `CALENDAR_TOKEN`, its SHA-256 only).
 *
 * Imported events use the layout of lib/table.ts: the event item `EVENT#<id>` / `EVENT` and the
 * owner's membership `EVENT#<id>` / `MEMBER#<sub>` (index by_user: `USER#<sub>` / `EVENT#<id>`).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { BATCH_WRITE_ITEMS, batchWrite, dynamo, loadConfig, mapLimit } from '@darkroom/runtime';
import { eventKey, keys, SocialTable, userKey } from '../table';
import { socialDeps, type SocialDeps } from '../deps';
import type { EventRecord } from '../events/model';

/** A user's feed token item: `USER#<sub>` / `CALENDAR_TOKEN`. */
const feedTokenKey = (user: string) => ({ pk: userKey(user), sk: 'CALENDAR_TOKEN' });

/** A user's feed token as stored: its SHA-256 (hex), never the token. */
export interface FeedToken { token_sha256: string; created_at: string }

/** The calendar items of the social table. */
export interface CalendarStore {
  /**
   * Writes new imported events with their owner's membership (the memberships first), and replaces the
   * event items of updated ones (their memberships are left as they are). Batches of 25
   * (BatchWriteItem), four at a time, unprocessed items retried with backoff until done.
   */
  putImported(created: EventRecord[], updated: EventRecord[], at: string): Promise<void>;
  getFeedToken(user: string): Promise<FeedToken | undefined>;
  /** Replaces the user's token: the previous one stops working with this write. */
  putFeedToken(user: string, token: FeedToken): Promise<void>;
}

/** What the calendar routes need: the social deps and the calendar store. */
export interface CalendarDeps extends SocialDeps { calendar: CalendarStore }

/** Batches of BatchWriteItem written at once: a 2,000-event file is 160 batches, well inside the function's timeout. */
const BATCHES_AT_ONCE = 4;

/** {@link CalendarStore} on the DynamoDB social table (the key layout of lib/table.ts). */
export class DynamoCalendarStore extends SocialTable implements CalendarStore {
  async putImported(created: EventRecord[], updated: EventRecord[], at: string) {
    const eventItem = ({ accepted: _a, invited: _i, ...stored }: EventRecord) => ({ ...keys.event(stored.id), ...stored });
    const memberships = created.map((event) => ({
      ...keys.member(event.id, event.owner), gsi1pk: userKey(event.owner), gsi1sk: eventKey(event.id),
      event_id: event.id, user: event.owner, role: 'owner', status: 'accepted', updated_at: at,
    }));
    const writeAll = async (items: Record<string, unknown>[]) => {
      const batches = Array.from({ length: Math.ceil(items.length / BATCH_WRITE_ITEMS) }, (_, i) => items.slice(i * BATCH_WRITE_ITEMS, (i + 1) * BATCH_WRITE_ITEMS));
      await mapLimit(batches, BATCHES_AT_ONCE, (batch) => batchWrite(this.doc, this.table, batch.map((Item) => ({ PutRequest: { Item } }))));
    };
    // Memberships first: an import cut short leaves memberships of events not yet written (ignored when
    // read, and completed by the next import, which sees those events as new), never an event its owner
    // does not hold.
    await writeAll(memberships);
    await writeAll([...created, ...updated].map(eventItem));
  }

  async getFeedToken(user: string) {
    const item = await this.get<Record<string, unknown>>(feedTokenKey(user));
    return item ? { token_sha256: String(item.token_sha256), created_at: String(item.created_at) } : undefined;
  }

  async putFeedToken(user: string, token: FeedToken) {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...feedTokenKey(user), ...token } }));
  }
}

/**
 * The social deps and the calendar store, built once per cold start.
 * @throws ConfigError when SOCIAL_TABLE is missing
 */
export function calendarDeps(): CalendarDeps {
  const { socialTable } = loadConfig({ socialTable: 'SOCIAL_TABLE' });
  return { ...socialDeps(), calendar: new DynamoCalendarStore(dynamo(), socialTable) };
}

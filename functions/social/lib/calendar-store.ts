/**
 * The social table's calendar items: imported events (written in batches) and the feed token of each
 * user (`USER#<sub>` / `CALENDAR_TOKEN`, its SHA-256 only).
 *
 * Imported events use the layout of lib/records.ts: the event item `EVENT#<id>` / `EVENT` and the
 * owner's membership `EVENT#<id>` / `MEMBER#<sub>` (index by_user: `USER#<sub>` / `EVENT#<id>`).
 */
import { BatchWriteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamo, loadConfig } from '@darkroom/runtime';
import { socialDeps, type SocialDeps } from './deps';
import type { EventRecord } from './events';

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

/** BatchWriteItem's limit: 25 puts per call. */
const BATCH = 25;
const BATCHES_AT_ONCE = 4;

/** {@link CalendarStore} on the DynamoDB social table. */
export class DynamoCalendarStore implements CalendarStore {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly table: string) {}

  async putImported(created: EventRecord[], updated: EventRecord[], at: string) {
    const eventItem = ({ accepted: _a, invited: _i, ...stored }: EventRecord) => ({ pk: `EVENT#${stored.id}`, sk: 'EVENT', ...stored });
    const memberships = created.map((event) => ({
      pk: `EVENT#${event.id}`, sk: `MEMBER#${event.owner}`, gsi1pk: `USER#${event.owner}`, gsi1sk: `EVENT#${event.id}`,
      event_id: event.id, user: event.owner, role: 'owner', status: 'accepted', updated_at: at,
    }));
    const write = async (batch: Record<string, unknown>[]) => {
      let requests: Record<string, unknown>[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests?.length; attempt++) {
        if (attempt) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests as never } }));
        requests = result.UnprocessedItems?.[this.table] as Record<string, unknown>[] | undefined;
      }
    };
    // A 2,000-event file is 160 batches: a few at once keep the import well inside the function's timeout.
    const writeAll = async (items: Record<string, unknown>[]) => {
      for (let index = 0; index < items.length; index += BATCH * BATCHES_AT_ONCE) {
        const batches: Record<string, unknown>[][] = [];
        for (let start = index; start < Math.min(items.length, index + BATCH * BATCHES_AT_ONCE); start += BATCH) batches.push(items.slice(start, start + BATCH));
        await Promise.all(batches.map(write));
      }
    };
    // Memberships first: an import cut short leaves memberships of events not yet written (ignored when
    // read, and completed by the next import, which sees those events as new), never an event its owner
    // does not hold.
    await writeAll(memberships);
    await writeAll([...created, ...updated].map(eventItem));
  }

  async getFeedToken(user: string) {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `USER#${user}`, sk: 'CALENDAR_TOKEN' }, ConsistentRead: true }));
    return Item ? { token_sha256: String(Item.token_sha256), created_at: String(Item.created_at) } : undefined;
  }

  async putFeedToken(user: string, token: FeedToken) {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { pk: `USER#${user}`, sk: 'CALENDAR_TOKEN', ...token } }));
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

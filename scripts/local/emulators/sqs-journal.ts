/**
 * A write-ahead journal that makes fauxqs (in-memory SQS) durable across crashes of the local stack.
 *
 * Every change to a message (sent, moved to a DLQ, received with a visibility deadline, its
 * visibility changed, deleted, purged) is appended to `<dir>/journal.jsonl` with a synchronous write
 * inside the store call that makes it, so before fauxqs answers the request: an acknowledged
 * SendMessage is on disk even if the stack is SIGKILLed right after (the kernel holds written data; a
 * power cut is not covered, as fsync per message would cost more than a development stack is worth).
 *
 * On start the journal is replayed into the state of every message not yet deleted, compacted into a
 * fresh journal, and each message goes back to its queue as soon as the stack's bootstrap creates that
 * queue: visible at once, or, for a message that was in flight, when its visibility deadline passes,
 * as SQS would. Message ids, bodies, attributes, sent timestamps and receive counts survive, so the
 * redrive policy still counts a poison message's earlier receives.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** A fauxqs message, as its SqsStore holds it (the fields the journal needs). */
export interface StoredMessage {
  messageId: string;
  body: string;
  md5OfBody: string;
  messageAttributes: Record<string, unknown>;
  md5OfMessageAttributes?: string;
  sentTimestamp: number;
  approximateReceiveCount: number;
  approximateFirstReceiveTimestamp?: number;
  delayUntil?: number;
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

/** One line of the journal. */
export type JournalEntry =
  | { op: 'put'; queue: string; message: StoredMessage }
  | { op: 'recv'; id: string; count: number; until: number }
  | { op: 'vis'; id: string; until: number }
  | { op: 'del'; id: string }
  | { op: 'purge'; queue: string };

/** A message not yet deleted: its queue, and when it is visible again (epoch ms; 0 = now). */
export interface LiveMessage { queue: string; message: StoredMessage; visibleAt: number }

/** Applies one journal entry to the live messages (keyed by message id), in place. */
function apply(live: Map<string, LiveMessage>, entry: JournalEntry): void {
  switch (entry.op) {
    case 'put':
      // A put of a known id moves it: a DLQ redrive keeps the message id.
      live.set(entry.message.messageId, { queue: entry.queue, message: { ...entry.message }, visibleAt: entry.message.delayUntil ?? 0 });
      break;
    case 'recv': {
      const found = live.get(entry.id);
      if (found) { found.message.approximateReceiveCount = entry.count; found.visibleAt = entry.until; }
      break;
    }
    case 'vis': {
      const found = live.get(entry.id);
      if (found) found.visibleAt = entry.until;
      break;
    }
    case 'del':
      live.delete(entry.id);
      break;
    case 'purge':
      for (const [id, message] of live) if (message.queue === entry.queue) live.delete(id);
      break;
  }
}

/**
 * Folds journal entries into the messages not yet deleted, keyed by message id.
 * @returns message id -> queue, message and when it is visible again
 */
export function replay(entries: Iterable<JournalEntry>): Map<string, LiveMessage> {
  const live = new Map<string, LiveMessage>();
  for (const entry of entries) apply(live, entry);
  return live;
}

/**
 * Reads a journal file; a torn last line (the process died inside a write) is ignored.
 * @returns the entries in order; none when the file does not exist
 */
export function readJournal(file: string): JournalEntry[] {
  if (!existsSync(file)) return [];
  const entries: JournalEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try { entries.push(JSON.parse(line) as JournalEntry); } catch { /* torn write at a crash */ }
  }
  return entries;
}

/** The append side of the journal, with compaction. */
export class Journal {
  readonly file: string;
  private fd: number;
  private live: Map<string, LiveMessage>;
  private appended = 0;

  /**
   * Opens (creating it if needed) `<dir>/journal.jsonl`, replays it and compacts it.
   * @param compactEvery - rewrite the journal from the live state after this many appends
   */
  constructor(dir: string, private readonly compactEvery = 20_000) {
    this.file = join(dir, 'journal.jsonl');
    this.live = replay(readJournal(this.file));
    this.fd = this.rewrite();
  }

  /** The messages the journal held at start, by queue name (what to put back into each queue). */
  restorable(): Map<string, LiveMessage[]> {
    const byQueue = new Map<string, LiveMessage[]>();
    for (const message of this.live.values()) byQueue.set(message.queue, [...(byQueue.get(message.queue) ?? []), message]);
    for (const messages of byQueue.values()) messages.sort((a, b) => a.message.sentTimestamp - b.message.sentTimestamp);
    return byQueue;
  }

  /** Appends one entry (synchronously: it is written when this returns). */
  append(entry: JournalEntry): void {
    apply(this.live, entry);
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    if (++this.appended >= this.compactEvery) {
      closeSync(this.fd);
      this.fd = this.rewrite();
    }
  }

  /** Flushes and closes the file. */
  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }

  /** Writes the live state as a fresh journal (temp file, fsync, rename) and opens it for appending. */
  private rewrite(): number {
    const temp = `${this.file}.tmp`;
    const fd = openSync(temp, 'w');
    for (const { queue, message, visibleAt } of this.live.values()) {
      writeSync(fd, `${JSON.stringify({ op: 'put', queue, message } satisfies JournalEntry)}\n`);
      if (visibleAt > (message.delayUntil ?? 0)) {
        writeSync(fd, `${JSON.stringify({ op: 'recv', id: message.messageId, count: message.approximateReceiveCount, until: visibleAt } satisfies JournalEntry)}\n`);
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, this.file);
    this.appended = 0;
    return openSync(this.file, 'a');
  }
}

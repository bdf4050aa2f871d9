/**
 * The outbox: every message AWS would have delivered to a person (Cognito codes, SES mail), kept in
 * an append-only JSON-lines file under dataDir so it survives restarts.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  /** ISO 8601 time the message was sent. */
  at: string;
  /** The one-time code, for Cognito messages. */
  code?: string;
  /** Where it came from: `cognito:<source>` or `ses:<messageId>`. */
  source: string;
}

export class Outbox {
  constructor(private readonly file: string) {}

  /** Appends one message. */
  add(message: OutboxMessage): void {
    appendFileSync(this.file, `${JSON.stringify(message)}\n`);
  }

  /** All messages, newest first. */
  list(): OutboxMessage[] {
    if (!existsSync(this.file)) return [];
    const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
    const messages = lines.map((line) => JSON.parse(line) as OutboxMessage).reverse();
    return messages.sort((a, b) => b.at.localeCompare(a.at));
  }

  /** Whether a message from `source` is already recorded. */
  has(source: string): boolean {
    return this.list().some((m) => m.source === source);
  }
}

/**
 * Keeps queued messages across restarts of the local stack. fauxqs holds queues in memory only, so on
 * stop the stack takes every visible message out of each queue and DLQ into `<dataDir>/sqs/messages.json`,
 * and on start sends them back. Bodies and message attributes survive; receive counts start again.
 * Messages in flight at stop (received, not yet deleted, still invisible) are not visible to take and
 * are lost, as they would be with any in-memory broker; the pollers finish their batches before stop.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type MessageAttributeValue, type SQSClient,
} from '@aws-sdk/client-sqs';

/** One saved message. */
interface SavedMessage { body: string; attributes?: Record<string, MessageAttributeValue> }

/**
 * Drains every visible message of `queues` (name -> URL) into `file`.
 * @returns how many messages were saved
 */
export async function saveQueues(sqs: SQSClient, queues: Record<string, string>, file: string): Promise<number> {
  const saved: Record<string, SavedMessage[]> = {};
  let count = 0;
  for (const [name, url] of Object.entries(queues)) {
    for (;;) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({
        QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 60, MessageAttributeNames: ['All'],
      }));
      if (!Messages.length) break;
      (saved[name] ??= []).push(...Messages.map((m) => ({ body: m.Body ?? '', attributes: m.MessageAttributes })));
      count += Messages.length;
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  }
  if (count) writeFileSync(file, JSON.stringify(saved));
  return count;
}

/**
 * Sends the messages saved in `file` back to their queues (name -> URL) and removes the file.
 * Messages of queues that no longer exist are dropped.
 * @returns how many messages were restored
 */
export async function restoreQueues(sqs: SQSClient, queues: Record<string, string>, file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, SavedMessage[]>;
  let count = 0;
  for (const [name, messages] of Object.entries(saved)) {
    const url = queues[name];
    if (!url) continue;
    for (let i = 0; i < messages.length; i += 10) {
      const batch = messages.slice(i, i + 10);
      await sqs.send(new SendMessageBatchCommand({
        QueueUrl: url, Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: m.body, MessageAttributes: m.attributes })),
      }));
      count += batch.length;
    }
  }
  rmSync(file);
  return count;
}

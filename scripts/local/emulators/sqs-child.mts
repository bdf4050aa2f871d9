/**
 * Child process running fauxqs (SQS). fauxqs is ESM-only, which CommonJS code (our tsx scripts and
 * jest) cannot require on Node 20, so it runs here. Its SQS store defaults to queue URLs on
 * `sqs.<region>.localhost`, which does not resolve here, and the SDK sends requests to the QueueUrl's
 * host whenever the endpoint comes from AWS_ENDPOINT_URL_SQS; with the store's host cleared, queue
 * URLs follow the request's Host header (http://127.0.0.1:<port>/000000000000/<name>).
 * fauxqs keeps everything in memory; with a data directory, every message change is journaled
 * (sqs-journal.ts) inside the store call that makes it, before fauxqs answers, and the messages not yet
 * deleted go back to each queue when the stack's bootstrap creates it again.
 * argv: <host> <port> <region> [<journal dir>]
 */
import { buildApp } from 'fauxqs';
import { Journal, type LiveMessage, type StoredMessage } from './sqs-journal';

// fauxqs exports only its entry point; its stores sit next to it.
const dist = import.meta.resolve('fauxqs');
const { SqsStore, SqsQueue } = await import(new URL('./sqs/sqsStore.js', dist).href);
const { SnsStore } = await import(new URL('./sns/snsStore.js', dist).href);
const { S3Store } = await import(new URL('./s3/s3Store.js', dist).href);

const [host = '127.0.0.1', port = '0', region = 'us-east-1', journalDir] = process.argv.slice(2);

interface Queue {
  name: string;
  inflightMessages: Map<string, { message: StoredMessage; visibilityDeadline: number }>;
  enqueue(message: StoredMessage): void;
}
type Received = { MessageId: string; ReceiptHandle: string };

const journal = journalDir ? new Journal(journalDir) : undefined;
if (journal) {
  const restorable: Map<string, LiveMessage[]> = journal.restorable();
  let restoring = false;
  const queue = SqsQueue.prototype;
  const { enqueue, dequeue, deleteMessage, changeVisibility, purge } = queue;
  // Write ahead: each change is on disk before fauxqs applies it and answers.
  queue.enqueue = function (this: Queue, message: StoredMessage) {
    if (!restoring) journal.append({ op: 'put', queue: this.name, message });
    return enqueue.call(this, message);
  };
  queue.dequeue = function (this: Queue, ...args: unknown[]) {
    const received = dequeue.apply(this, args) as Received[];
    for (const r of received) {
      const entry = this.inflightMessages.get(r.ReceiptHandle);
      if (entry) journal.append({ op: 'recv', id: r.MessageId, count: entry.message.approximateReceiveCount, until: entry.visibilityDeadline });
    }
    return received;
  };
  queue.deleteMessage = function (this: Queue, receiptHandle: string) {
    const entry = this.inflightMessages.get(receiptHandle);
    if (entry) journal.append({ op: 'del', id: entry.message.messageId });
    return deleteMessage.call(this, receiptHandle);
  };
  queue.changeVisibility = function (this: Queue, receiptHandle: string, seconds: number) {
    const entry = this.inflightMessages.get(receiptHandle);
    if (entry) journal.append({ op: 'vis', id: entry.message.messageId, until: Date.now() + seconds * 1000 });
    return changeVisibility.call(this, receiptHandle, seconds);
  };
  queue.purge = function (this: Queue) {
    journal.append({ op: 'purge', queue: this.name });
    return purge.call(this);
  };
  // Messages go back when their queue exists again; in-flight ones become visible at their deadline.
  const createQueue = SqsStore.prototype.createQueue;
  SqsStore.prototype.createQueue = function (name: string, ...rest: unknown[]) {
    const created = createQueue.call(this, name, ...rest) as Queue;
    const saved = restorable.get(name);
    if (saved) {
      restorable.delete(name);
      restoring = true;
      const now = Date.now();
      for (const { message, visibleAt } of saved) created.enqueue({ ...message, delayUntil: visibleAt > now ? visibleAt : undefined });
      restoring = false;
      console.log(`restored ${saved.length} message(s) to ${name}`);
    }
    return created;
  };
}

const sqsStore = new SqsStore();
sqsStore.host = undefined;
const app = buildApp({ logger: false, defaultRegion: region, stores: { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() } });
await app.listen({ host, port: Number(port) });
const quit = async (): Promise<void> => {
  await app.close();
  journal?.close();
  process.exit(0);
};
process.stdin.on('end', () => void quit());
process.stdin.resume();
process.on('SIGTERM', () => void quit());
process.on('SIGINT', () => void quit());
console.log(`FAUXQS_READY ${port}${journal ? ` journal ${journal.file}` : ''}`);

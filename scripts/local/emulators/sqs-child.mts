/**
 * Child process running fauxqs (SQS). fauxqs is ESM-only, which CommonJS code (our tsx scripts and
 * jest) cannot require on Node 20, so it runs here. Its SQS store defaults to queue URLs on
 * `sqs.<region>.localhost`, which does not resolve here, and the SDK sends requests to the QueueUrl's
 * host whenever the endpoint comes from AWS_ENDPOINT_URL_SQS; with the store's host cleared, queue
 * URLs follow the request's Host header (http://127.0.0.1:<port>/000000000000/<name>).
 * fauxqs keeps everything in memory: the stack's bootstrap re-creates queues on every start, and
 * messages do not survive a restart.
 * argv: <host> <port> <region>
 */
import { buildApp } from 'fauxqs';

// fauxqs exports only its entry point; its stores sit next to it.
const dist = import.meta.resolve('fauxqs');
const { SqsStore } = await import(new URL('./sqs/sqsStore.js', dist).href);
const { SnsStore } = await import(new URL('./sns/snsStore.js', dist).href);
const { S3Store } = await import(new URL('./s3/s3Store.js', dist).href);

const [host = '127.0.0.1', port = '0', region = 'us-east-1'] = process.argv.slice(2);
const sqsStore = new SqsStore();
sqsStore.host = undefined;
const app = buildApp({ logger: false, defaultRegion: region, stores: { sqsStore, snsStore: new SnsStore(), s3Store: new S3Store() } });
await app.listen({ host, port: Number(port) });
const quit = async (): Promise<void> => {
  await app.close();
  process.exit(0);
};
process.stdin.on('end', () => void quit());
process.stdin.resume();
process.on('SIGTERM', () => void quit());
process.on('SIGINT', () => void quit());
console.log(`FAUXQS_READY ${port}`);

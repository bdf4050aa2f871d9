/**
 * Child process running s3rver. It runs apart from the stack because s3rver's ListObjectsV2
 * continuation tokens use DES, which Node 20 only offers with --openssl-legacy-provider, a flag we
 * do not want to impose on the whole stack. It also bridges object events into SQS, as the bucket
 * notification configuration in the manifest says. Config arrives as JSON in DARKROOM_S3_CONFIG.
 */
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import S3rver from 's3rver';
import { exitWithParent } from './children';
import { matchesEvent, matchesKey, toAwsRecords, type S3rverEvent } from './s3-events';
import { startS3Front } from './s3-front';
import { requestGuard } from './s3-front-auth';
import type { PolicyDocument } from './identity-policy';

export interface S3ChildConfig {
  directory: string;
  host: string;
  port: number;
  region: string;
  buckets: string[];
  sqsEndpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** As S3's notification configuration: events, and the key filters `prefix` / `suffix`. */
  notifications: Array<{ id: string; bucket: string; events: string[]; prefix?: string; suffix?: string; queueUrl: string }>;
  /** When set, every request must be signed: by `credentials` (full access) or by identity credentials (the policy applies). */
  authentication?: { identityEndpoint: string; identityPolicy: PolicyDocument };
}

const CORS = `<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>
<AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedMethod>POST</AllowedMethod>
<AllowedMethod>HEAD</AllowedMethod><AllowedMethod>DELETE</AllowedMethod>
<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds>
</CORSRule></CORSConfiguration>`;

async function main(): Promise<void> {
  const config = JSON.parse(process.env.DARKROOM_S3_CONFIG ?? '{}') as S3ChildConfig;
  const sqs = new SQSClient({ region: config.region, endpoint: config.sqsEndpoint, credentials: config.credentials });
  // s3rver listens on a free internal port; the S3 endpoint is the front (s3-front.ts), which applies
  // the presigned POST policies s3rver ignores and passes everything else through.
  const server = new S3rver({
    address: config.host,
    port: 0,
    directory: config.directory,
    silent: true,
    configureBuckets: config.buckets.map((name) => ({ name, configs: [CORS] })),
  });
  server.on('event', (event: S3rverEvent) => {
    const name = event.Records[0]?.s3.bucket.name;
    for (const route of config.notifications.filter((n) => n.bucket === name)) {
      const records = toAwsRecords(event, config.region, route.id).filter((r) => route.events.some((f) => matchesEvent(r.eventName, f))
        && matchesKey(decodeURIComponent(r.s3.object.key.replace(/\+/g, ' ')), route));
      if (records.length === 0) continue;
      sqs.send(new SendMessageCommand({ QueueUrl: route.queueUrl, MessageBody: JSON.stringify({ Records: records }) })).then(
        () => console.log(`notified ${route.queueUrl} of ${records[0]?.eventName} ${records[0]?.s3.object.key}`),
        (error: unknown) => console.error(`notification to ${route.queueUrl} failed: ${String(error)}`),
      );
    }
  });
  const { port: internalPort } = await server.run() as { port: number };
  const front = await startS3Front({
    host: config.host, port: config.port, target: { host: config.host, port: internalPort },
    credentials: { [config.credentials.accessKeyId]: config.credentials.secretAccessKey },
    guard: config.authentication && requestGuard({ serviceKeys: { [config.credentials.accessKeyId]: config.credentials.secretAccessKey }, ...config.authentication }),
  });
  exitWithParent(() => { front.server.close(); return server.close(); });
  console.log(`S3RVER_READY ${config.port}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * Creates the manifest's tables and queues in the emulators. Idempotent: run on every start.
 */
import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ResourceNotFoundException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsName, entries, ROOT, type BucketSpec, type QueueSpec, type TableSpec } from '../../manifest';

/** Creates `darkroom-<name>` (PAY_PER_REQUEST, string keys) unless it exists, and enables its TTL. */
async function ensureTable(ddb: DynamoDBClient, name: string, spec: TableSpec): Promise<string> {
  const TableName = awsName(name);
  try {
    await ddb.send(new DescribeTableCommand({ TableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    const keys = [{ name: spec.hashKey, type: 'HASH' as const }, ...(spec.rangeKey ? [{ name: spec.rangeKey, type: 'RANGE' as const }] : [])];
    await ddb.send(new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keys.map((k) => ({ AttributeName: k.name, KeyType: k.type })),
      AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: 'S' })),
    }));
  }
  if (spec.ttlAttribute) {
    const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true } }));
    }
  }
  return TableName;
}

/**
 * Ensures every table exists.
 * @returns manifest name -> table name.
 */
export async function ensureTables(ddb: DynamoDBClient, tables: Record<string, TableSpec>): Promise<Record<string, string>> {
  const created = await Promise.all(entries(tables).map(async ([name, spec]) => [name, await ensureTable(ddb, name, spec)] as const));
  return Object.fromEntries(created);
}

export interface QueueUrls { url: string; arn: string; dlqUrl: string }

/** Creates `darkroom-<name>` and `darkroom-<name>-dlq` with the manifest's visibility timeout and redrive policy. */
async function ensureQueue(sqs: SQSClient, name: string, spec: QueueSpec): Promise<QueueUrls> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${awsName(name)}-dlq`, Attributes: { MessageRetentionPeriod: '1209600' } }));
  const dlqAttributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const queue = await sqs.send(new CreateQueueCommand({ QueueName: awsName(name) }));
  await sqs.send(new SetQueueAttributesCommand({
    QueueUrl: queue.QueueUrl,
    Attributes: {
      VisibilityTimeout: String(spec.visibilityTimeout),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqAttributes.Attributes?.QueueArn, maxReceiveCount: spec.maxReceiveCount }),
    },
  }));
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: queue.QueueUrl as string, arn: attributes.Attributes?.QueueArn as string, dlqUrl: dlq.QueueUrl as string };
}

/**
 * Ensures every queue and its DLQ exist with the manifest's attributes.
 * @returns manifest name -> URLs.
 */
export async function ensureQueues(sqs: SQSClient, queues: Record<string, QueueSpec>): Promise<Record<string, QueueUrls>> {
  const created = await Promise.all(entries(queues).map(async ([name, spec]) => [name, await ensureQueue(sqs, name, spec)] as const));
  return Object.fromEntries(created);
}

/** Content types of seed objects by extension (as Terraform's storage module sets them). */
const SEED_CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', json: 'application/json' };

/** Every file under `dir`, as paths relative to it with `/` separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/**
 * Uploads each bucket's `seed` directory (manifest `buckets.<name>.seed`, from the repository root)
 * into it, keyed by the files' relative paths, as Terraform's `aws_s3_object.seed` does. Idempotent:
 * objects are overwritten with the same bytes.
 * @returns how many objects were written
 */
export async function ensureBucketSeeds(s3: S3Client, buckets: Record<string, BucketSpec>, root = ROOT): Promise<number> {
  let written = 0;
  for (const [name, spec] of entries(buckets)) {
    if (!spec.seed) continue;
    const dir = resolve(root, spec.seed);
    for (const file of filesUnder(dir)) {
      const ext = /\.([^.]+)$/.exec(file)?.[1]?.toLowerCase() ?? '';
      await s3.send(new PutObjectCommand({
        Bucket: awsName(name), Key: file, Body: readFileSync(join(dir, file)), ContentType: SEED_CONTENT_TYPES[ext] ?? 'application/octet-stream',
      }));
      written += 1;
    }
  }
  return written;
}

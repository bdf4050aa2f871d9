/**
 * Creates the manifest's tables and queues in the emulators. Idempotent: run on every start.
 */
import { CreateTableCommand, DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ResourceNotFoundException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsName, entries, keyAttributes, type QueueSpec, type TableSpec } from '../../manifest';

/** Creates `darkroom-<name>` (PAY_PER_REQUEST, string keys, its GSIs) unless it exists, and enables its TTL. */
async function ensureTable(ddb: DynamoDBClient, name: string, spec: TableSpec): Promise<string> {
  const TableName = awsName(name);
  try {
    await ddb.send(new DescribeTableCommand({ TableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    const keySchema = (hashKey: string, rangeKey?: string) => [
      { AttributeName: hashKey, KeyType: 'HASH' as const },
      ...(rangeKey ? [{ AttributeName: rangeKey, KeyType: 'RANGE' as const }] : []),
    ];
    const indexes = entries(spec.indexes ?? {});
    await ddb.send(new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: keySchema(spec.hashKey, spec.rangeKey),
      AttributeDefinitions: keyAttributes(spec).map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
      GlobalSecondaryIndexes: indexes.length
        ? indexes.map(([IndexName, index]) => ({ IndexName, KeySchema: keySchema(index.hashKey, index.rangeKey), Projection: { ProjectionType: 'ALL' } }))
        : undefined,
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

/**
 * Turns s3rver's `event` payloads into the S3 event notification JSON that AWS puts on an SQS queue
 * (eventVersion 2.1, URL-encoded keys, real bucket ARNs, CompleteMultipartUpload named as such).
 */

/** The record shape s3rver emits (see s3rver/lib/models/event.js). */
export interface S3rverEvent {
  Records: Array<{
    eventName: string;
    eventTime: string;
    requestParameters?: { sourceIPAddress?: string };
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
  }>;
}

export interface S3EventRecord {
  eventVersion: '2.1';
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { 'x-amz-request-id': string; 'x-amz-id-2': string };
  s3: {
    s3SchemaVersion: '1.0';
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

/**
 * Encodes an object key as S3 does in event notifications: form encoding (space as `+`, `(`, `)`,
 * `!`, `'` percent-encoded) with `/` left as is. Decode with `decodeURIComponent(key.replace(/\+/g, ' '))`.
 */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/%2F/g, '/')
    .replace(/%20/g, '+')
    .replace(/[!'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

let sequence = 0n;
/** A hex sequencer that grows with every event, as S3's does for one key. */
function nextSequencer(): string {
  sequence += 1n;
  return (BigInt(Date.now()) * 4096n + (sequence % 4096n)).toString(16).toUpperCase().padStart(18, '0');
}

/** s3rver reports a completed multipart upload as a POST; its ETag (`<md5>-<parts>`) tells them apart. */
function eventNameOf(name: string, eTag: string | undefined): string {
  return name === 'ObjectCreated:Post' && eTag?.includes('-') ? 'ObjectCreated:CompleteMultipartUpload' : name;
}

/**
 * Converts one s3rver event into AWS notification records.
 * @param configurationId - the notification configuration's id (AWS puts it in every record).
 */
export function toAwsRecords(event: S3rverEvent, region: string, configurationId: string): S3EventRecord[] {
  return event.Records.map((record) => {
    const { bucket, object } = record.s3;
    const eTag = object.eTag?.replace(/"/g, '');
    return {
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: region,
      eventTime: record.eventTime,
      eventName: eventNameOf(record.eventName, eTag),
      userIdentity: { principalId: 'AWS:LOCAL' },
      requestParameters: { sourceIPAddress: record.requestParameters?.sourceIPAddress ?? '127.0.0.1' },
      responseElements: { 'x-amz-request-id': nextSequencer(), 'x-amz-id-2': 'darkroom-local' },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId,
        bucket: { name: bucket.name, ownerIdentity: { principalId: 'LOCAL' }, arn: `arn:aws:s3:::${bucket.name}` },
        object: {
          key: encodeEventKey(object.key),
          ...(object.size !== undefined && { size: object.size }),
          ...(eTag !== undefined && { eTag }),
          sequencer: nextSequencer(),
        },
      },
    };
  });
}

/**
 * Whether an event name (`ObjectCreated:Put`) matches a notification filter (`s3:ObjectCreated:*`,
 * `s3:ObjectCreated:Put`, ...).
 */
export function matchesEvent(eventName: string, filter: string): boolean {
  const wanted = filter.replace(/^s3:/, '');
  return wanted.endsWith(':*') ? eventName.startsWith(wanted.slice(0, -1)) : eventName === wanted;
}

/** Whether an object key passes a notification's key filters, as S3 applies them (plain prefix and suffix, case-sensitive). */
export function matchesKey(key: string, filter: { prefix?: string; suffix?: string }): boolean {
  return (!filter.prefix || key.startsWith(filter.prefix)) && (!filter.suffix || key.endsWith(filter.suffix));
}

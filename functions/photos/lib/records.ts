import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conditionFailed, logger, queryPage, updateExpression } from '@darkroom/runtime';

/**
 * Lifecycle of a photo: `pending` (presigned POST issued, nothing uploaded yet; expires by TTL) ->
 * `processing` (the original is stored; the thumbnail worker has not run yet) -> `ready` (thumbnail made)
 * or `failed` (the worker could not decode it; the reason is kept).
 */
export type PhotoStatus = 'pending' | 'processing' | 'ready' | 'failed';

/**
 * A photo's record in the photos table: `pk` = owner sub, `sk` = `PHOTO#<filename>`, where `filename` is
 * the stored name `<timestamp>-<random>_<sanitised name>` (names.ts), so a Query in descending `sk`
 * order lists the newest first.
 */
export interface PhotoRecord {
  pk: string;
  sk: string;
  owner: string;
  filename: string;
  /** Key of the original in the originals bucket: `<sub>/photos/<filename>`; the thumbnail has the same key. */
  key: string;
  status: PhotoStatus;
  /** Bytes. */
  size?: number;
  content_type?: string;
  /** Pixels, as displayed (after EXIF orientation). */
  width?: number;
  height?: number;
  uploaded_at: string;
  /** The unzip job that brought it, if any. */
  job_id?: string;
  thumbnail_key?: string;
  thumbnail_content_type?: string;
  failure_reason?: string;
  /** TTL (epoch s) of a pending record. */
  expires_at?: number;
}

/** One entry of an unzip job's result. */
export interface LandedEntry { entry: string; filename: string; size: number; content_type: string }
export interface SkippedEntry { entry: string; reason: string }

/**
 * An unzip job's record: `pk` = owner sub, `sk` = `JOB#<job_id>` (never listed as a photo: list queries
 * `begins_with(sk, 'PHOTO#')`). Progress is `done` of `total` entries; the full result (landed and
 * skipped entries) is in S3 (`result_key`) because 10,000 entries overflow a 400 KB item.
 */
export interface JobRecord {
  pk: string;
  sk: string;
  owner: string;
  job_id: string;
  /** `sync`: unpacked in the request, recorded `done` at once; `async` (or absent): the unzip worker's. */
  mode?: 'sync' | 'async';
  status: 'queued' | 'running' | 'done' | 'failed';
  /** The archive in the archives bucket; empty for an archive sent as a request body and unpacked there. */
  archive_key: string;
  total: number;
  done: number;
  landed_count: number;
  skipped_count: number;
  created_at: string;
  updated_at: string;
  result_key?: string;
  failure_reason?: string;
  expires_at: number;
}

export const photoKey = (owner: string, filename: string) => ({ pk: owner, sk: `PHOTO#${filename}` });
export const jobKey = (owner: string, jobId: string) => ({ pk: owner, sk: `JOB#${jobId}` });

/** A page of photos and the opaque token of the next one. */
export interface PhotoPage { items: PhotoRecord[]; next_cursor: string | null }


/** The photos table, as the photos service and the thumbnail worker use it. */
export class PhotosRepository {
  constructor(readonly doc: DynamoDBDocumentClient, readonly tableName: string) {}

  /** Creates a photo's record before its object is written (so the worker always finds it); never overwrites one. */
  async create(record: Omit<PhotoRecord, 'pk' | 'sk'>): Promise<void> {
    await this.doc.send(new PutCommand({
      TableName: this.tableName,
      Item: { ...photoKey(record.owner, record.filename), ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  }

  /**
   * Completes an existing photo's record (the thumbnail worker's outcome) and clears its TTL. A record
   * that does not exist (deleted meanwhile, or a key nobody registered) is left absent: a late worker
   * must not resurrect a deleted photo.
   * @returns whether a record was updated
   */
  async complete(owner: string, filename: string, fields: Partial<PhotoRecord>): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand({
        TableName: this.tableName, Key: photoKey(owner, filename), ConditionExpression: 'attribute_exists(pk)',
        ...updateExpression({ set: fields, remove: ['expires_at'] }),
      }));
      return true;
    } catch (error) {
      if (!conditionFailed(error)) throw error;
      logger.info('no record for this photo (deleted or never registered); nothing recorded', { owner, filename });
      return false;
    }
  }

  /** @returns the owner's photo, or undefined (another owner's photo is never found: the owner is the partition key) */
  async get(owner: string, filename: string): Promise<PhotoRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: photoKey(owner, filename), ConsistentRead: true }));
    return Item as PhotoRecord | undefined;
  }

  /** Deletes a photo's record; deleting a missing one is not an error. @returns the deleted record, if there was one */
  async delete(owner: string, filename: string): Promise<PhotoRecord | undefined> {
    const { Attributes } = await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: photoKey(owner, filename), ReturnValues: 'ALL_OLD' }));
    return Attributes as PhotoRecord | undefined;
  }

  /**
   * One page of the owner's photos, newest first; pending uploads (URL issued, nothing uploaded) are left out.
   * @param limit - records read per page (1..1000); a page may hold fewer after filtering
   * @param cursor - the `next_cursor` of an earlier page of the same owner
   * @throws DomainError 400 for a cursor of another owner or list
   */
  list(owner: string, limit: number, cursor?: string, field = 'cursor'): Promise<PhotoPage> {
    return queryPage<PhotoRecord>(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :owner AND begins_with(sk, :photo)',
      FilterExpression: '#status <> :pending',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':owner': owner, ':photo': 'PHOTO#', ':pending': 'pending' },
      ScanIndexForward: false,
    }, { scope: { list: 'photos.list', partition: owner }, limit, cursor, field });
  }

  /** Creates a job's record; fails rather than overwrite one. */
  async createJob(job: Omit<JobRecord, 'pk' | 'sk'>): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...jobKey(job.owner, job.job_id), ...job }, ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async getJob(owner: string, jobId: string): Promise<JobRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: jobKey(owner, jobId), ConsistentRead: true }));
    return Item as JobRecord | undefined;
  }

  /** Sets fields of an existing job (progress, outcome) and its `updated_at`. */
  async updateJob(owner: string, jobId: string, fields: Partial<JobRecord>): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.tableName, Key: jobKey(owner, jobId), ConditionExpression: 'attribute_exists(pk)',
      ...updateExpression({ set: { ...fields, updated_at: new Date().toISOString() } }),
    }));
  }
}

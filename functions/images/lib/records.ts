import { conditionFailed, logger, updateExpression } from '@darkroom/runtime';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Lifecycle of an image: upload URL issued -> processed (thumbnail made) or failed (with a reason). */
export type ImageStatus = 'pending' | 'ready' | 'failed';

/**
 * An image's record in the images table: `pk` = owner sub, `sk` = `IMAGE#<image_id>`.
 * Pending records carry a TTL (`expires_at`, epoch s) so an upload URL never used leaves nothing behind.
 */
export interface ImageRecord {
  pk: string;
  sk: string;
  image_id: string;
  owner: string;
  file_name: string;
  key: string;
  status: ImageStatus;
  created_at: string;
  /** Set once processed. Bytes and pixels. */
  size?: number;
  content_type?: string;
  width?: number;
  height?: number;
  thumbnail_key?: string;
  thumbnail_content_type?: string;
  thumbnail_width?: number;
  thumbnail_height?: number;
  processed_at?: string;
  failure_reason?: string;
  expires_at?: number;
}

export const imageKey = (owner: string, imageId: string) => ({ pk: owner, sk: `IMAGE#${imageId}` });

/** The images table, as the images service uses it. */
export class ImagesRepository {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string) {}

  /** Records an issued upload; fails (ConditionalCheckFailed) rather than overwrite an existing image. */
  async putPending(record: Omit<ImageRecord, 'pk' | 'sk' | 'status'>): Promise<void> {
    await this.doc.send(new PutCommand({
      TableName: this.tableName,
      Item: { ...imageKey(record.owner, record.image_id), ...record, status: 'pending' },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  }

  /** @returns the owner's image, or undefined (another owner's image is never found: the owner is the partition key) */
  async get(owner: string, imageId: string): Promise<ImageRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: imageKey(owner, imageId), ConsistentRead: true }));
    return Item as ImageRecord | undefined;
  }

  /** Marks an image processed; clears its TTL. Only an image whose record was created by an upload request is updated. */
  async markReady(owner: string, imageId: string, fields: Required<Pick<ImageRecord,
    'size' | 'content_type' | 'width' | 'height' | 'thumbnail_key' | 'thumbnail_content_type' | 'thumbnail_width' | 'thumbnail_height'>>): Promise<void> {
    await this.update(owner, imageId, { ...fields, status: 'ready', processed_at: new Date().toISOString() });
  }

  /** Marks an image failed with a reason a client can read; clears its TTL and any earlier result. */
  async markFailed(owner: string, imageId: string, reason: string, size?: number): Promise<void> {
    await this.update(owner, imageId, { status: 'failed', failure_reason: reason, size, processed_at: new Date().toISOString() });
  }

  /** Updates an existing record; a record that does not exist (no upload was issued for the key) is left absent. */
  private async update(owner: string, imageId: string, fields: Record<string, unknown>): Promise<void> {
    await this.doc.send(new UpdateCommand({
      TableName: this.tableName,
      Key: imageKey(owner, imageId),
      ConditionExpression: 'attribute_exists(pk)',
      ...updateExpression({ set: fields, remove: ['expires_at'] }),
    })).catch((error: unknown) => {
      if (!conditionFailed(error)) throw error;
      logger.warn('no upload was issued for this image; nothing recorded', { owner, imageId });
    });
  }
}

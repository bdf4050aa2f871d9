import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * A photo's record in the photos table: `pk` = owner sub, `sk` = `PHOTO#<filename>`, where `filename` is
 * the stored name `<timestamp>_<sanitised name>` (seed 002's naming), so a Query in descending `sk`
 * order lists the newest first.
 */
export interface PhotoRecord {
  pk: string;
  sk: string;
  owner: string;
  filename: string;
  key: string;
  status: 'processing' | 'ready' | 'failed';
  size?: number;
  content_type?: string;
  width?: number;
  height?: number;
  uploaded_at?: string;
  thumbnail_key?: string;
  thumbnail_content_type?: string;
  failure_reason?: string;
}

export const photoKey = (owner: string, filename: string) => ({ pk: owner, sk: `PHOTO#${filename}` });

/** The photos table, as the photos service and the thumbnail worker use it. */
export class PhotosRepository {
  constructor(readonly doc: DynamoDBDocumentClient, readonly tableName: string) {}

  /**
   * Creates or completes a photo's record (upsert): the upload path and the thumbnail worker may write in
   * either order, and each sets only what it knows.
   */
  async upsert(owner: string, filename: string, fields: Partial<PhotoRecord>): Promise<void> {
    const entries = Object.entries({ owner, filename, ...fields }).filter(([, value]) => value !== undefined);
    await this.doc.send(new UpdateCommand({
      TableName: this.tableName,
      Key: photoKey(owner, filename),
      UpdateExpression: `SET ${entries.map(([name]) => `#${name} = :${name}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name]) => [`#${name}`, name])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([name, value]) => [`:${name}`, value])),
    }));
  }
}

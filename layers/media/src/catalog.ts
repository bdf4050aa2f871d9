/**
 * The thumbnail worker's outcome for one original, as it publishes it to the service that owns the
 * original (the `<service>` segment of the key `<sub>/<service>/<rest>`). The worker knows no service:
 * it sends the event to that service's queue, and the service records it in its own table with
 * {@link applyThumbnailEvent} and its {@link MediaCatalog}.
 */
export type ThumbnailEvent = ThumbnailReadyEvent | ThumbnailFailedEvent;

interface ThumbnailEventBase {
  /** The original's S3 key, and its parts. */
  key: string;
  owner: string;
  service: string;
  /** The key after `<sub>/<service>/`. */
  rest: string;
  /** The original's size, bytes. */
  size: number;
}

/** A thumbnail was written to the thumbnails bucket. */
export interface ThumbnailReadyEvent extends ThumbnailEventBase {
  type: 'thumbnail.ready';
  /** The thumbnail: its key in the thumbnails bucket, media type and size in pixels. */
  thumbnail: { key: string; contentType: string; width: number; height: number };
  /** The original as decoded: format, media type and displayed size in pixels. */
  source: { format: string; contentType: string; width: number; height: number };
}

/** The original can never make a thumbnail (too large, not a decodable image): permanent. */
export interface ThumbnailFailedEvent extends ThumbnailEventBase {
  type: 'thumbnail.failed';
  /** Why, in words a client can read. */
  reason: string;
}

/** Where a service records the thumbnail outcomes of its originals. */
export interface MediaCatalog {
  recordReady(event: ThumbnailReadyEvent): Promise<void>;
  recordFailed(event: ThumbnailFailedEvent): Promise<void>;
}

/**
 * Records one thumbnail event in a service's catalog. Both outcomes are idempotent updates of the
 * original's record, so a redelivered event changes nothing.
 * @throws Error for an event of an unknown type (a producer fault: the message goes to the DLQ)
 */
export async function applyThumbnailEvent(catalog: MediaCatalog, event: ThumbnailEvent): Promise<void> {
  if (event.type === 'thumbnail.ready') return catalog.recordReady(event);
  if (event.type === 'thumbnail.failed') return catalog.recordFailed(event);
  throw new Error(`unknown thumbnail event type ${(event as { type?: unknown }).type}`);
}

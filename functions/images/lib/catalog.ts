import type { Thumbnail } from './thumbnails';

/** What the thumbnail worker learned about one original. */
export interface ProcessedOriginal {
  /** The original's S3 key and size in bytes. */
  key: string;
  size: number;
  thumbnail: Thumbnail;
  thumbnailKey: string;
}

/**
 * Where a service records the outcome of the shared thumbnail pipeline for its objects. The worker
 * serves every service whose originals land in the originals bucket (`<sub>/<service>/...`): images
 * and photos register a catalog each, so there is one thumbnail worker, not two.
 */
export interface MediaCatalog {
  /** @param rest - the key after `<sub>/<service>/` */
  recordReady(owner: string, rest: string, result: ProcessedOriginal): Promise<void>;
  recordFailed(owner: string, rest: string, reason: string, size: number): Promise<void>;
}

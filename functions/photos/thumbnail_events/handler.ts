import { applyThumbnailEvent, type ThumbnailEvent } from '@darkroom/media';
import { queueHandler } from '@darkroom/runtime';
import { photosCatalog } from '../lib/catalog';
import { photosRepository } from '../lib/deps';

const catalog = photosCatalog(photosRepository());

/** The photos service's thumbnail outcomes (photos-thumbnail-events queue, fed by the media thumbnail worker) into its records. */
export const handler = queueHandler<ThumbnailEvent>().handler(async ({ message }) => applyThumbnailEvent(catalog, message));

import { applyThumbnailEvent, type ThumbnailEvent } from '@darkroom/media';
import { queueHandler } from '@darkroom/runtime';
import { imagesCatalog } from '../lib/catalog';
import { imagesDeps } from '../lib/deps';

const catalog = imagesCatalog(imagesDeps().images);

/** The images service's thumbnail outcomes (images-thumbnail-events queue, fed by the media thumbnail worker) into its records. */
export const handler = queueHandler<ThumbnailEvent>().handler(async ({ message }) => applyThumbnailEvent(catalog, message));

import { queueHandler } from '@darkroom/runtime';
import type { S3Event } from 'aws-lambda';
import { photosCatalog } from '../../photos/lib/catalog';
import { photosRepository } from '../../photos/lib/deps';
import { imagesCatalog } from '../lib/catalogs';
import { imagesDeps } from '../lib/deps';
import { notificationKey, processNotification } from '../lib/pipeline';

const deps = imagesDeps();
const catalogs = { images: imagesCatalog(deps.images), photos: photosCatalog(photosRepository()) };

/**
 * The thumbnail worker (thumbnails queue, fed by the originals bucket's ObjectCreated notifications):
 * one thumbnail per original, for images and photos alike. Idempotent per object version.
 */
export const handler = queueHandler<Partial<S3Event>>({ idempotency: { key: (event) => notificationKey(event) } })
  .handler(async ({ message }) => processNotification({ s3: deps.s3, thumbnailsBucket: deps.thumbnailsBucket, catalogs }, message));

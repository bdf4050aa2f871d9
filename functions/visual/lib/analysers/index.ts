import { optionalEnv } from '@darkroom/runtime';
import type { FileKind } from '../model';
import { ModelEndpointAnalyser } from './endpoint';
import { BuiltinImageAnalyser } from './image';
import { BuiltinVideoAnalyser } from './video';
import type { Analyser } from './types';

export type { Analyser, AnalysableFile } from './types';
export { UnanalysableFileError } from './types';

/**
 * The analyser of each kind of file: a model endpoint when `VISUAL_IMAGE_MODEL_URL` /
 * `VISUAL_VIDEO_MODEL_URL` names one (an OwlEye or Seenomaly deployment), else the built-in classical one.
 */
export function configuredAnalysers(): Record<FileKind, Analyser> {
  const imageUrl = optionalEnv('VISUAL_IMAGE_MODEL_URL');
  const videoUrl = optionalEnv('VISUAL_VIDEO_MODEL_URL');
  return {
    image: imageUrl ? new ModelEndpointAnalyser(imageUrl) : new BuiltinImageAnalyser(),
    video: videoUrl ? new ModelEndpointAnalyser(videoUrl) : new BuiltinVideoAnalyser(),
  };
}

import type { FileKind, Finding } from '../model';

/** One file to analyse: its bytes as uploaded, its name and the media type its bytes were sniffed as. */
export interface AnalysableFile {
  bytes: Buffer;
  fileName: string;
  contentType: string;
  kind: FileKind;
}

/**
 * Something that looks at a file and reports display problems. The built-in analysers are classical
 * image processing (image.ts, video.ts); {@link ModelEndpointAnalyser} sends the file to a model
 * endpoint (OwlEye, Seenomaly) instead, chosen by configuration (analysers/index.ts).
 */
export interface Analyser {
  /** A name for logs and results (`builtin-image`, `endpoint:<host>`). */
  readonly name: string;
  /**
   * @returns the findings, regions in pixels of the original, scores 0..1 (empty when nothing is wrong)
   * @throws UnanalysableFileError when the file can never be analysed (not decodable); anything else is
   *   treated as transient and retried
   */
  analyse(file: AnalysableFile): Promise<Finding[]>;
}

/** The file can never be analysed (corrupt, not what its name says, too large): recorded as failed, not retried. */
export class UnanalysableFileError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnanalysableFileError';
  }
}

/** Rounds a score to 2 decimals within 0..1. */
export const score = (value: number): number => Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;

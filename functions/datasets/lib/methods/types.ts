/** The shapes of the method registry: a method, its parameter ranges and what it records. */
import type { Frame } from './frame';
import type { Random } from './prng';
import type { StatisticName } from './statistics';

export type MethodKind = 'augmentation' | 'preprocessing';

/**
 * A documented range of one parameter: values are drawn (augmentation) or clamped (preprocessing)
 * within [min, max]; `source` says where the range comes from.
 */
export interface ParamRange {
  min: number;
  max: number;
  integer?: boolean;
  unit: string;
  source: string;
}

/** The exact parameters an output was made with (recorded with the output; replaying them gives the same bytes). */
export type Params = Record<string, number | string | number[]>;

/** The value of the reference image a normalising method aims at (chosen per task, reported on it). */
export interface ReferenceTarget {
  filename: string;
  /** The reference's statistic. */
  value: number;
  /** The reference's luma CDF (equalize_histogram only). */
  histogram?: number[];
}

/** What a method's parameters may depend on besides the image. */
export interface MethodContext {
  random: Random;
  reference?: ReferenceTarget;
}

/** One method of the registry. */
export interface MethodSpec {
  /** Stable ids and names of the original platform (clients store them). */
  method_id: string;
  method_name: string;
  kind: MethodKind;
  /** What the method does here, in a sentence (shown by /generate/list_method). */
  description: string;
  /** Ranges of the drawn parameters (empty for deterministic methods). */
  ranges: Record<string, ParamRange>;
  /** Normalising preprocessing: the statistic its reference image is chosen by (median of the project's images). */
  reference?: StatisticName;
  /** Chooses the parameters for one image (draws them, or measures the image against the reference). */
  parameters(frame: Frame, context: MethodContext): Params | Promise<Params>;
  /** Applies the method with exactly `params`. */
  apply(frame: Frame, params: Params): Frame | Promise<Frame>;
}

/** What one output records about each method applied to it. */
export interface AppliedMethod {
  method_id: string;
  method_name: string;
  params: Params;
}

/** The generation methods: registry, rendering, statistics and seeded randomness (see each module). */
export { METHODS, methodById, listMethods, selectMethods, MethodSelectionError, GRAYSCALE_KEEPS, type MethodSelection, type MethodListing } from './registry';
export { renderOutput, replayOutput, type OutputPlan, type Rendered } from './render';
export { decode, encode, encodingOf, UndecodableImageError, MAX_INPUT_PIXELS, MAX_OUTPUT_SIDE, type Frame } from './frame';
export { measure, measureBytes, chooseReference, STATISTICS_SIZE, type ImageStatistics, type StatisticName, type Candidate } from './statistics';
export { seededRandom, fnv1a, type Random } from './prng';
export type { MethodSpec, MethodKind, Params, ParamRange, ReferenceTarget, AppliedMethod } from './types';

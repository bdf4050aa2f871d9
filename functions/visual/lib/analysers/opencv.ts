/**
 * OpenCV (the @techstark/opencv-js WebAssembly build), loaded once per cold start (~1 s). The analysers
 * use its operators (Laplacian, Sobel, box filters, morphology, connected components) instead of
 * hand-written pixel loops.
 */
type Cv = typeof import('@techstark/opencv-js');

let loading: Promise<Cv> | undefined;

/**
 * @returns the initialised OpenCV module (the same one on every call). Emscripten makes the module a
 * thenable whose `then` hands back the module itself, so a promise resolved with it would chase that
 * `then` forever: once initialised, `then` is removed.
 */
export function openCv(): Promise<Cv> {
  loading ??= new Promise<Cv>((resolve) => {
    const cv = require('@techstark/opencv-js') as Cv & { onRuntimeInitialized?: () => void; Mat?: unknown; then?: unknown };
    const ready = () => { delete cv.then; resolve(cv); };
    if (cv.Mat) ready();
    else cv.onRuntimeInitialized = ready;
  });
  return loading;
}

export type { Cv };

import { dirname, join } from 'node:path';
import type { Worker } from 'tesseract.js';

/** A word tesseract read, with its box in pixels of the image it was given and its confidence (0-100). */
export interface OcrWord { text: string; confidence: number; box: { x0: number; y0: number; x1: number; y1: number } }
/** A line of words. */
export interface OcrLine { text: string; words: OcrWord[]; box: OcrWord['box'] }

let worker: Promise<Worker> | undefined;

/**
 * The one tesseract.js worker of this process, created on first use (about 2 s) and reused: OCR is the
 * costliest step on two shared cores, so there is never a second one. The English LSTM model comes from
 * the installed `@tesseract.js-data/eng` package (`langPath` is its folder, `gzip: true` for its
 * `eng.traineddata.gz`), and `cacheMethod: 'none'` keeps tesseract.js from writing a cache file: with a
 * local `langPath` it reads the file and never fetches (tesseract.js only downloads when `langPath` is unset
 * or a URL). The WebAssembly core comes from the installed `tesseract.js-core`.
 */
function ocrWorker(): Promise<Worker> {
  worker ??= (async () => {
    // require, not import(): the bundle leaves tesseract.js to the vision layer, and only CommonJS
    // resolution honours NODE_PATH (/opt/nodejs/node_modules on Lambda); import() would not find it.
    const { createWorker, OEM } = require('tesseract.js') as typeof import('tesseract.js');
    const langPath = join(dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int');
    const created = await createWorker('eng', OEM.LSTM_ONLY, { langPath, gzip: true, cacheMethod: 'none' });
    // Screenshots carry no resolution; tell tesseract the usual screen one instead of letting it guess.
    await created.setParameters({ user_defined_dpi: '96' });
    return created;
  })();
  return worker;
}

/**
 * Reads the text of an image (PNG bytes) with tesseract.js.
 * @returns the lines, each with its words, boxes in the image's pixels
 */
export async function readText(png: Buffer): Promise<OcrLine[]> {
  const { data } = await (await ocrWorker()).recognize(png, {}, { blocks: true, text: false });
  return (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines.map((line) => ({
    text: line.text.trim(),
    box: line.bbox,
    words: line.words.map((word) => ({ text: word.text, confidence: word.confidence, box: word.bbox })),
  }))));
}

/** Ends the worker (tests and benchmarks, so the process can exit). */
export async function stopOcr(): Promise<void> {
  const current = worker;
  worker = undefined;
  if (current) await (await current).terminate();
}

import { IMAGE_CATEGORIES, VIDEO_CATEGORIES, type Finding } from '../model';
import { score, UnanalysableFileError, type AnalysableFile, type Analyser } from './types';

const CATEGORIES = new Set<string>([...IMAGE_CATEGORIES, ...VIDEO_CATEGORIES]);

/**
 * An analyser that is a model endpoint (e.g. an OwlEye or Seenomaly deployment): the file is POSTed as its
 * own body (`Content-Type` its media type, `X-File-Name` its name) and the endpoint answers
 * `{findings: [{category, score, region: {x, y, width, height}, frame_time?}]}` with 200, or 422 for a file
 * it cannot analyse. Findings of unknown categories or shapes are dropped.
 */
export class ModelEndpointAnalyser implements Analyser {
  readonly name: string;

  /** @param timeoutMs - per request; a timeout or a 5xx is transient (the message is retried) */
  constructor(private readonly url: string, private readonly timeoutMs = 60_000) {
    this.name = `endpoint:${new URL(url).host}`;
  }

  async analyse(file: AnalysableFile): Promise<Finding[]> {
    const response = await fetch(this.url, {
      method: 'POST', body: new Uint8Array(file.bytes), signal: AbortSignal.timeout(this.timeoutMs),
      headers: { 'content-type': file.contentType, 'x-file-name': encodeURIComponent(file.fileName) },
    });
    if (response.status === 422 || response.status === 415) throw new UnanalysableFileError(`${this.name} cannot analyse it: ${(await response.text()).slice(0, 200)}`);
    if (!response.ok) throw new Error(`${this.name} answered ${response.status}`);
    const body = await response.json() as { findings?: unknown[] };
    return (body.findings ?? []).flatMap((raw) => {
      const f = raw as Partial<Finding>;
      const r = f.region;
      if (!f.category || !CATEGORIES.has(f.category) || typeof f.score !== 'number' || !r || [r.x, r.y, r.width, r.height].some((v) => typeof v !== 'number')) return [];
      return [{ category: f.category, score: score(f.score), region: { x: r.x, y: r.y, width: r.width, height: r.height }, ...(typeof f.frame_time === 'number' ? { frame_time: f.frame_time } : {}) }];
    });
  }
}

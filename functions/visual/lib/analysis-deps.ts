import { dynamo, loadConfig, s3, ses } from '@darkroom/runtime';
import type { AnalysisDeps } from './analysis';
import { configuredAnalysers } from './analysers';
import { VisualRepository } from './repository';

/**
 * Apart from deps.ts so the job routes do not bundle the analysers (sharp, OpenCV, tesseract.js).
 * The analysis worker's configuration, clients and analysers (built-in, or model endpoints by configuration).
 * @throws ConfigError when VISUAL_TABLE, VISUAL_BUCKET or MAIL_FROM is missing
 */
export function analysisDeps(): AnalysisDeps {
  const config = loadConfig({ table: 'VISUAL_TABLE', bucket: 'VISUAL_BUCKET', mailFrom: 'MAIL_FROM' });
  return {
    repo: new VisualRepository(dynamo(), config.table), s3: s3(), bucket: config.bucket,
    mail: { ses: ses(), mailFrom: config.mailFrom }, analysers: configuredAnalysers(),
  };
}

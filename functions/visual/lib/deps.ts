import { dynamo, loadConfig, s3, ses, sqs } from '@darkroom/runtime';
import type { JobDeps } from './jobs';
import { VisualRepository } from './repository';

/**
 * The job routes' configuration and clients, built once per cold start. The analysis queue is optional:
 * only POST /visual/job sends to it.
 * @throws ConfigError when VISUAL_TABLE, VISUAL_BUCKET or MAIL_FROM is missing
 */
export function jobDeps(options: { queue?: boolean; mail?: boolean } = {}): JobDeps {
  const config = loadConfig({ table: 'VISUAL_TABLE', bucket: 'VISUAL_BUCKET' });
  const { mailFrom } = options.mail === false ? { mailFrom: '' } : loadConfig({ mailFrom: 'MAIL_FROM' });
  const queueUrl = options.queue ? loadConfig({ queueUrl: 'ANALYSIS_QUEUE_URL' }).queueUrl : undefined;
  return {
    repo: new VisualRepository(dynamo(), config.table), s3: s3(), bucket: config.bucket,
    sqs: queueUrl ? sqs() : undefined, queueUrl, mail: { ses: ses(), mailFrom },
  };
}

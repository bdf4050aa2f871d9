import { queueHandler } from '@darkroom/runtime';
import { analysisKey, parseAnalysisMessage, processAnalysisMessage } from '../lib/analysis';
import { analysisDeps } from '../lib/analysis-deps';

const deps = analysisDeps();

/**
 * The analysis worker (analysis queue): the seed's `{jobID, fileKey, fileIdx}` messages (from uploadDone,
 * or sent by hand from the SQS console) and single-video uploads' S3 events. Idempotent per job, file and
 * object version; a message that can never succeed is recorded as rejected and not retried.
 */
export const handler = queueHandler<string>({
  parse: (record) => record.body,
  idempotency: {
    key: (body, record) => {
      const parsed = parseAnalysisMessage(body);
      return 'tasks' in parsed ? analysisKey(parsed.tasks, record.messageId) : `rejected:${record.messageId}`;
    },
  },
}).handler(async ({ message, record }) => processAnalysisMessage(deps, message, record.messageId));

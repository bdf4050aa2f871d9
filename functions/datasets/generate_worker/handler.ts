import { queueHandler } from '@darkroom/runtime';
import type { GenerationMessage } from '../lib/generation';
import { generationWorkerDeps } from '../lib/generation-deps';
import { handleGenerationMessage } from '../lib/generation-worker';

const deps = generationWorkerDeps();

/**
 * The generation worker (generation queue): `plan` messages split a task into batches, `batch`
 * messages render their images. Idempotent per message (Powertools) and per output (output records).
 */
export const handler = queueHandler<GenerationMessage>({
  idempotency: { key: (m) => (m.type === 'plan' ? `generation:plan:${m.task_id}` : `generation:batch:${m.task_id}:${m.batch}`) },
}).handler(async ({ message, attempt }) => handleGenerationMessage(deps, message, attempt));

/**
 * The variable that tells a queue's consumers its maxReceiveCount: `<QUEUE>_MAX_RECEIVE_COUNT`, the manifest's
 * queue name in upper snake case (`dataset-exports` -> `DATASET_EXPORTS_MAX_RECEIVE_COUNT`). The build's
 * environment (scripts/manifest.ts functionEnvironment, Terraform's extra_env) sets it for every
 * SQS-triggered function; queueHandler reads it. No dependencies, so the build scripts import it too.
 */
export const maxReceiveCountVariable = (queue: string): string => `${queue.toUpperCase().replace(/-/g, '_')}_MAX_RECEIVE_COUNT`;

/**
 * The stand-in for the nodejs22.x runtime's bootstrap inside one artefact-mode execution environment
 * (scripts/local/artefacts.ts copies it to <root>/runtime/bootstrap.cjs, the stand-in for /var/runtime).
 * Node built-ins only: it must load nothing from the repository.
 *
 * - NODE_PATH is set by the parent as Lambda's bootstrap sets it:
 *   /opt/nodejs/node22/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task.
 * - Every module must resolve inside the function (LAMBDA_TASK_ROOT), its layers (/opt) or the
 *   runtime stand-in; anything else (the repository's node_modules, a global folder) fails the require
 *   with `Runtime.ImportModuleError`, so a bundle that works here does not lean on the repository.
 * - Init: requires `index.js` of the task root and takes its `handler` (Lambda's `index.handler`),
 *   then answers invocations one at a time over IPC: {type: 'invoke', id, event, context} ->
 *   {type: 'result', id, result} | {type: 'error', id, error}.
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');

const taskRoot = process.env.LAMBDA_TASK_ROOT;
const allowed = (process.env.DARKROOM_ARTEFACT_ROOTS || '').split(path.delimiter).filter(Boolean).map((root) => path.resolve(root) + path.sep);
const builtins = new Set(Module.builtinModules);

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveInsideArtefact(request, parent, ...rest) {
  const filename = resolve.call(this, request, parent, ...rest);
  if (builtins.has(filename) || filename.startsWith('node:') || !path.isAbsolute(filename)) return filename;
  if (!allowed.some((root) => filename.startsWith(root))) {
    const error = new Error(`Cannot find module '${request}' inside the function, its layers or the runtime (it resolved to ${filename}, outside the artefact)`);
    error.code = 'MODULE_NOT_FOUND';
    error.name = 'Runtime.ImportModuleError';
    throw error;
  }
  return filename;
};

function serializeError(error) {
  return {
    name: (error && error.name) || 'Error',
    message: (error && error.message) || String(error),
    stack: error && error.stack,
    statusCode: error && error.statusCode,
    // Powertools' FullBatchFailureError carries each record's error (the reason the batch failed).
    recordErrors: error && Array.isArray(error.recordErrors) ? error.recordErrors.map(serializeError) : undefined,
  };
}

let handler;
try {
  const exported = require(path.join(taskRoot, 'index.js'));
  handler = exported.handler;
  if (typeof handler !== 'function') throw Object.assign(new Error('index.handler is undefined or not exported'), { name: 'Runtime.HandlerNotFound' });
  process.send({ type: 'ready' });
} catch (error) {
  process.send({ type: 'init-error', error: serializeError(error) }, () => process.exit(1));
}

process.on('message', async (message) => {
  if (!message || message.type !== 'invoke' || !handler) return;
  const { id, event, context: fields } = message;
  const context = {
    ...fields,
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, fields.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const result = await handler(event, context);
    process.send({ type: 'result', id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ type: 'error', id, error: serializeError(error) });
  }
});
process.on('disconnect', () => process.exit(0));

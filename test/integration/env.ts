/** Quiet the SDK's Node 20 end-of-support notice in test output (Lambda runs nodejs22.x). */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
/** Handlers some tests run in the jest process (auth's Google stand-in) print no EMF metrics into the output. */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
/** A worker may have run an artefacts-project file before: talk to the source-mode stack again. */
if (process.env.DARKROOM_SOURCE_STACK_FILE) process.env.DARKROOM_STACK_FILE = process.env.DARKROOM_SOURCE_STACK_FILE;

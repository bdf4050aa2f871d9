/** Tests of the `artefacts` project talk to the artefact-mode stack (global-setup.ts) through test/support/stack.ts. */
import '../integration/env';

if (process.env.DARKROOM_ARTEFACT_STACK_FILE) process.env.DARKROOM_STACK_FILE = process.env.DARKROOM_ARTEFACT_STACK_FILE;

/**
 * `npm start`'s entry: runs start.ts (the local stack) in a process group of its own and passes it the
 * signals this process gets. A terminal's Ctrl-C signals its whole foreground process group; without
 * this the stack's helper processes in that group (tsx's esbuild service, which compiles each
 * handler on its first request) would die with it and break the drain that start.ts then runs.
 * Here only this small process is in the foreground group: SIGINT, SIGTERM and SIGHUP go on to
 * start.ts (SIGHUP as SIGTERM), which drains and stops the emulators in order, and this process
 * exits with start.ts's exit code (128 + signal number when a signal ended it).
 *
 * start.ts holds this process's pipe on its stdin (DARKROOM_SUPERVISED=1): when this process dies
 * unannounced (SIGKILL), the pipe closes and start.ts kills everything at once, as a crash would.
 *
 * argv: anything after the script is passed on to start.ts (e.g. `--artefacts`).
 */
'use strict';
const { spawn } = require('node:child_process');
const { constants } = require('node:os');
const { join } = require('node:path');

const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'start.ts'), ...process.argv.slice(2)], {
  env: { ...process.env, DARKROOM_SUPERVISED: '1' },
  stdio: ['pipe', 'inherit', 'inherit'],
  detached: true,
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    try { child.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal); } catch { /* already gone */ }
  });
}
child.on('error', (error) => {
  console.error(`cannot start the local stack: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));

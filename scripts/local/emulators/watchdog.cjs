/**
 * Runs a command that cannot notice its parent's death by itself (DynamoDB Local's JVM) and stops it
 * when the parent goes away. The parent holds this process's stdin pipe open; the pipe closes when
 * the parent exits for any reason, SIGKILL included (the kernel closes its file descriptors), so end
 * of stdin means: SIGTERM the command, SIGKILL it after 5 s. SIGTERM/SIGINT to this process are
 * passed on. Exits with the command's exit code (128 + signal number when a signal ended it).
 *
 * argv: <command> [<args>...]
 */
'use strict';
const { spawn } = require('node:child_process');
const { constants } = require('node:os');

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
const running = () => child.exitCode === null && child.signalCode === null;
const stop = (signal) => { if (running()) child.kill(signal); };
const orphaned = () => {
  stop('SIGTERM');
  setTimeout(() => stop('SIGKILL'), 5000).unref();
};
process.stdin.on('end', orphaned);
process.stdin.on('error', orphaned);
process.stdin.resume();
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => stop(signal));
child.on('error', (error) => {
  console.error(`watchdog: ${command}: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));

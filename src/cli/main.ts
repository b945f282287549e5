// Entry of the `gatescope` CLI (bundled to dist/cli/main.js; bin/gatescope requires it).
// Every failure ends as one line on stderr beginning 'gatescope: ' and a non-zero exit status;
// the stack trace only with --verbose.

import { UsageError } from './args';
import { runRender } from './render';
import { diffCommand } from './diff-command';
import { CliError } from './errors';
import { exportCommand } from './export-command';
import { traceCommand } from './trace-command';
import { USAGE } from './usage';
import { VERSION } from '../core/version';
import { oneLinePrintable } from '../core/io/printable';

function oneLine(text: string): string {
  return oneLinePrintable(text).trim();
}

export async function main(argv: readonly string[]): Promise<number> {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const verbose = argv.includes('--verbose');
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version' || command === '-V') {
      process.stdout.write(`gatescope ${VERSION}\n`);
      return 0;
    }
    if (command === 'trace') {
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(USAGE);
        return 0;
      }
      return await traceCommand(rest, log);
    }
    if (command === 'render') return await runRender(rest);
    if (command === 'export') {
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(USAGE);
        return 0;
      }
      return await exportCommand(rest, log);
    }
    if (command === 'diff') {
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(USAGE);
        return 0;
      }
      return await diffCommand(rest, log);
    }
    throw new UsageError(`unknown command '${command}'; use 'gatescope trace MODEL.onnx --input FILE' (see gatescope --help)`);
  } catch (e) {
    const code = e instanceof UsageError ? 2 : e instanceof CliError ? e.exitCode : 1;
    const known = e instanceof UsageError || e instanceof CliError;
    const message = known ? (e as Error).message : `internal error: ${(e as Error)?.message ?? String(e)} (run with --verbose and report it)`;
    log(`gatescope: ${oneLine(message)}`);
    if (verbose && e instanceof Error) log(e.stack ?? '');
    if (verbose && e instanceof Error && e.cause instanceof Error) log(`caused by: ${e.cause.stack ?? e.cause.message}`);
    return code;
  }
}

// This file is the program (bin/gatescope requires it), so it runs on load.
void Promise.resolve().then(() => {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`gatescope: internal error: ${oneLine(String(e))}\n`);
      process.exitCode = 1;
    },
  );
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { DepguardError } from '../errors.js';
import { formatReport } from '../report/index.js';
import { runDiff, parseDiffFlags, type DiffFlags } from './diff-command.js';
import { EXIT, exitCodeFor } from './exit-code.js';
import { DIFF_OPTIONS, type OptionSpec } from './options.js';
import { appendStepSummary, writeReportFile } from './output.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const EXIT_HELP = `
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage or input error (bad flag, unreadable lockfile, unknown git revision)
  3  the audit could not be completed (registry metadata unavailable for a changed package)`;

function addOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue);
    command.addOption(option);
  }
  return command;
}

function useColor(env: NodeJS.ProcessEnv, stream: NodeJS.WriteStream): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

function program(): Command {
  const cli = new Command('depguard')
    .description('Audit changes to npm dependencies before they land.')
    .version(pkg.version)
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  addOptions(
    cli
      .command('diff')
      .description('compare two lockfiles (or git revisions of one) and audit what changed')
      .addHelpText('after', EXIT_HELP)
      .exitOverride(),
    DIFF_OPTIONS,
  ).action(async (flags: DiffFlags) => {
    const parsed = parseDiffFlags(flags);
    const cwd = process.cwd();
    const { result, lockfile } = await runDiff(flags, parsed, { cwd, env: process.env, now: Date.now() });
    const context = {
      failOn: parsed.failOn,
      color: flags.outputFile === undefined && useColor(process.env, process.stdout),
      verbose: Boolean(flags.verbose),
      toolVersion: pkg.version,
      lockfile,
    };
    const report = formatReport(parsed.format, result, context);
    if (flags.outputFile === undefined) process.stdout.write(report);
    else writeReportFile(path.resolve(cwd, flags.outputFile), report);
    const stepSummary = process.env.GITHUB_STEP_SUMMARY;
    if (parsed.format === 'github' && stepSummary) appendStepSummary(stepSummary, formatReport('markdown', result, context));
    process.exitCode = exitCodeFor(result, parsed.failOn, Boolean(flags.allowIncomplete));
  });
  return cli;
}

async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    if (error instanceof DepguardError) {
      process.stderr.write(`depguard: ${error.message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}

await main(process.argv);

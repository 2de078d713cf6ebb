import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { audit, showCode, type AuditRun } from '../audit.js';
import { DepguardError } from '../errors.js';
import { formatReport } from '../report/index.js';
import { auditOptions } from './audit-options.js';
import { environment } from './environment.js';
import { runWhy } from './why-command.js';
import { EXIT, exitCodeFor } from './exit-code.js';
import { registerPolicyCommands } from './policy-commands.js';
import { registerHookCommand } from './hook-command.js';
import { addOptions, AUDIT_OPTIONS, DIFF_OPTIONS, parseOptions, WHY_OPTIONS, type AuditValues } from './options.js';
import { appendStepSummary, writeReportFile } from './output.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const EXIT_HELP = `
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage or input error (bad flag, unreadable lockfile, unknown git revision)
  3  the audit could not be completed (registry metadata unavailable for a changed package)`;

function useColor(env: NodeJS.ProcessEnv, stream: NodeJS.WriteStream): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/**
 * Writes the report where it belongs (stdout or --output-file, plus GitHub's step summary) and
 * sets the exit code. `staged`: the pre-commit case, where a pass on the terminal is one line.
 */
function report({ result, root, failOn: policyFailOn }: AuditRun, flags: AuditValues, staged = false): void {
  const failOn = flags.failOn ?? policyFailOn;
  const context = {
    failOn,
    color: flags.outputFile === undefined && useColor(process.env, process.stdout),
    verbose: flags.verbose,
    brief: staged && flags.outputFile === undefined,
    toolVersion: pkg.version,
  };
  const out = formatReport(flags.format, result, context);
  if (flags.outputFile === undefined) process.stdout.write(out);
  else writeReportFile(path.resolve(process.cwd(), flags.outputFile), out, root);
  const stepSummary = process.env.GITHUB_STEP_SUMMARY;
  if (flags.format === 'github' && stepSummary) appendStepSummary(stepSummary, formatReport('markdown', result, context));
  process.exitCode = exitCodeFor(result, failOn, flags.allowIncomplete);
}

/** A progress line on stderr while metadata arrives, only when stderr is a terminal. */
function progress(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (done, total) => {
    process.stderr.write(`\rdepguard: registry metadata ${done}/${total}${done === total ? '\r\x1b[K' : ''}`);
  };
}

function program(): Command {
  const cli = new Command('depguard')
    .description('Audit changes to npm dependencies before they land.')
    .version(pkg.version)
    .addHelpText('after', EXIT_HELP)
    .exitOverride()
    .configureOutput({
      writeErr: (s) => process.stderr.write(s),
      // argument errors read like every other error: one `depguard:` line (README, exit codes)
      outputError: (message, write) => write(message.replace(/^error: /, 'depguard: ')),
    });

  addOptions(
    cli
      .command('diff')
      .description('compare two lockfiles (or git revisions of one) and audit what changed')
      .addHelpText('after', EXIT_HELP)
      .exitOverride(),
    DIFF_OPTIONS,
  ).action(async (raw: Record<string, unknown>) => {
    const flags = parseOptions(DIFF_OPTIONS, raw);
    if (flags.showCode !== undefined) {
      process.stdout.write(await showCode(auditOptions('diff', flags, environment()), flags.showCode));
      return;
    }
    report(await audit({ ...auditOptions('diff', flags, environment()), onProgress: progress() }), flags, flags.staged);
  });

  addOptions(
    cli
      .command('audit')
      .description('audit every package of the current lockfile, as if the base were empty')
      .addHelpText('after', EXIT_HELP)
      .exitOverride(),
    AUDIT_OPTIONS,
  ).action(async (raw: Record<string, unknown>) => {
    const flags = parseOptions(AUDIT_OPTIONS, raw);
    report(await audit({ ...auditOptions('audit', flags, environment()), onProgress: progress() }), flags);
  });

  addOptions(
    cli
      .command('why')
      .description('every dependency path that brings a package into the tree (like npm explain)')
      .argument('<package>', 'a package name')
      .exitOverride(),
    WHY_OPTIONS,
  ).action(async (name: string, raw: Record<string, unknown>) => {
    const out = await runWhy(name, parseOptions(WHY_OPTIONS, raw), environment());
    process.stdout.write(out.text);
    process.exitCode = out.found ? EXIT.ok : EXIT.findings;
  });
  registerPolicyCommands(cli, (text) => process.stdout.write(text));
  registerHookCommand(cli);
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
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters in strangers' strings is the point
      process.stderr.write(`depguard: ${error.message.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}

await main(process.argv);

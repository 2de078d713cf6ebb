import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { audit, showCode, type AuditRun } from '../audit.js';
import { parsePreviewCommand } from '../index.js';
import { DepguardError, InterruptedError, UsageError } from '../errors.js';
import { formatGithubSummary } from '../report/github.js';
import { formatReport } from '../report/index.js';
import { auditOptions } from './audit-options.js';
import { runComment } from './comment-command.js';
import { environment } from './environment.js';
import { runWhy } from './why-command.js';
import { runSbom } from './sbom-command.js';
import { runExposure } from './exposure-command.js';
import { nextSteps, runForReal, runPreview, sameAsPreviewed } from './preview-command.js';
import { combinedExitCode, EXIT, exitCodeFor } from './exit-code.js';
import { interrupted, stopOnInterrupt } from './interrupt.js';
import { registerPolicyCommands } from './policy-commands.js';
import { registerHookCommand } from './hook-command.js';
import {
  addOptions,
  AUDIT_OPTIONS,
  COMMENT_OPTIONS,
  DIFF_OPTIONS,
  EXPOSURE_OPTIONS,
  parseOptions,
  PREVIEW_OPTIONS,
  SBOM_OPTIONS,
  WHY_OPTIONS,
  type AuditValues,
  type DiffValues,
  type PreviewValues,
} from './options.js';
import { appendStepSummary, writeReportFile } from './output.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const EXIT_HELP = `
Exit codes:
  0    no finding at or above --fail-on
  1    findings at or above --fail-on
  2    usage or input error (bad flag, unreadable lockfile, unknown git revision)
  3    the audit could not be completed (registry metadata unavailable for a changed package)
  130  interrupted (Ctrl-C); what was fetched is kept in the cache
  141  standard output was closed before the report was written (\`| head\`)`;

const PREVIEW_EXIT_HELP = `
Exit codes (with --then-run, once what was previewed is installed: the package manager's exit code):
  0    no finding at or above --fail-on
  1    findings at or above --fail-on (with --then-run: the command was not run)
  2    usage or input error, a package manager that is missing or refused (Yarn 1), or a command that failed in the copy
  3    the preview could not be completed (registry metadata unavailable for a changed package)
  130  interrupted (Ctrl-C); the temporary copy is removed`;

const EXPOSURE_EXIT_HELP = `
Exit codes:
  0    no matching version was ever locked in the history walked
  1    a matching version was locked at some point (the windows are listed)
  2    usage or input error (bad flag or range, not a git work tree)
  3    none found, but lockfile revisions that mention the package could not be read
  130  interrupted (Ctrl-C)`;

function useColor(env: NodeJS.ProcessEnv, stream: NodeJS.WriteStream): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/**
 * Writes the report where it belongs (stdout or --output-file, plus GitHub's step summary);
 * returns the exit code. `staged`: the pre-commit case, where a pass on the terminal is one line.
 */
function report(
  { result, root, failOn: policyFailOn }: AuditRun,
  flags: Pick<AuditValues, 'format' | 'outputFile' | 'jsonFile' | 'failOn' | 'verbose' | 'allowIncomplete'>,
  staged = false,
): number {
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
  if (flags.jsonFile !== undefined)
    writeReportFile(path.resolve(process.cwd(), flags.jsonFile), formatReport('json', result, context), root);
  const stepSummary = process.env.GITHUB_STEP_SUMMARY;
  if (flags.format === 'github' && stepSummary) appendStepSummary(stepSummary, formatGithubSummary(result, context));
  return exitCodeFor(result, failOn, flags.allowIncomplete);
}

/**
 * `depguard diff [lockfile...]`: each lockfile named is audited on its own, as with --lockfile
 * (the pre-commit framework passes the staged ones, wherever they are), one report after another.
 */
async function runDiff(lockfiles: readonly string[], flags: DiffValues): Promise<number> {
  const named = [...new Set(lockfiles)];
  if (named.length > 0 && flags.lockfile !== undefined)
    throw new UsageError('name the lockfile with --lockfile or as an argument, not both');
  if (
    named.length > 1 &&
    (flags.format === 'json' || flags.format === 'sarif' || flags.outputFile !== undefined || flags.showCode !== undefined)
  )
    throw new UsageError(
      `${named.length} lockfiles given: --format json and sarif, --output-file and --show-code take one lockfile per run`,
    );
  const signal = stopOnInterrupt();
  const runs = named.length > 0 ? named.map((lockfile) => ({ ...flags, lockfile })) : [flags];
  if (flags.showCode !== undefined) {
    process.stdout.write(await showCode({ ...auditOptions('diff', runs[0]!, environment()), signal }, flags.showCode));
    return EXIT.ok;
  }
  const codes: number[] = [];
  for (const [i, run] of runs.entries()) {
    if (i > 0 && flags.format === 'text') process.stdout.write('\n');
    codes.push(report(await audit({ ...auditOptions('diff', run, environment()), onProgress: progress(), signal }), flags, flags.staged));
  }
  return combinedExitCode(codes);
}

/** `depguard preview -- <manager> <args>`, and with --then-run the command itself when the preview passes. */
async function runPreviewCommand(words: readonly string[], flags: PreviewValues): Promise<number> {
  if (flags.force && !flags.thenRun) throw new UsageError('--force goes with --then-run (it runs the command whatever the verdict)');
  const command = parsePreviewCommand(words);
  const env = environment();
  const preview = await runPreview(command, flags, env, stopOnInterrupt(), progress());
  const code = report(preview.run, flags);
  if (!flags.thenRun) return code;
  if (code !== EXIT.ok && !flags.force) {
    process.stderr.write(nextSteps(preview, code, flags.failOn ?? preview.run.failOn));
    return code;
  }
  const ran = await runForReal(preview, env);
  if (ran === EXIT.ok && !sameAsPreviewed(preview))
    process.stderr.write(
      `depguard: note: ${path.basename(preview.lockfile)} differs from the one previewed (the package manager rewrote it): check it with depguard diff\n`,
    );
  return ran;
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
      outputError: (message, write) => write(oneLine(message)),
    });

  addOptions(
    cli
      .command('diff')
      .description('compare two lockfiles (or git revisions of one) and audit what changed')
      .argument('[lockfile...]', 'lockfiles to audit, each on its own as with --lockfile (the pre-commit framework passes the staged ones)')
      .addHelpText('after', EXIT_HELP)
      .exitOverride(),
    DIFF_OPTIONS,
  ).action(async (lockfiles: string[], raw: Record<string, unknown>) => {
    process.exitCode = await runDiff(lockfiles, parseOptions(DIFF_OPTIONS, raw));
  });

  addOptions(
    cli
      .command('preview')
      .description(
        'run an npm, pnpm, Yarn (Berry) or Bun command in a temporary copy of the project, lockfile-only with scripts off, and judge the lockfile it writes as diff would; the project is not touched (--then-run installs what was previewed when it passes)',
      )
      .argument(
        '<command...>',
        'the package-manager command, after --: npm install event-stream@3.3.6, pnpm update, yarn up lodash, bun add left-pad',
      )
      .addHelpText('after', PREVIEW_EXIT_HELP)
      .exitOverride(),
    PREVIEW_OPTIONS,
  ).action(async (words: string[], raw: Record<string, unknown>) => {
    process.exitCode = await runPreviewCommand(words, parseOptions(PREVIEW_OPTIONS, raw));
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
    const signal = stopOnInterrupt();
    process.exitCode = report(await audit({ ...auditOptions('audit', flags, environment()), onProgress: progress(), signal }), flags);
  });

  addOptions(
    cli
      .command('why')
      .description(
        'every dependency path that brings a package or workspace into the tree, from any supported lockfile (npm, pnpm, Yarn, Bun), like npm explain',
      )
      .argument(
        '<package>',
        'a package or workspace name, with @VERSION or @RANGE for only those copies (flatmap-stream, event-stream@3.3.6, @acme/api@^1)',
      )
      .exitOverride(),
    WHY_OPTIONS,
  ).action(async (name: string, raw: Record<string, unknown>) => {
    const out = await runWhy(name, parseOptions(WHY_OPTIONS, raw), environment());
    process.stdout.write(out.text);
    process.exitCode = out.found ? EXIT.ok : EXIT.findings;
  });
  addOptions(
    cli
      .command('sbom')
      .description(
        'write a CycloneDX 1.6 JSON SBOM of the locked tree, from any supported lockfile (npm, pnpm, Yarn, Bun): components with purl, hashes and scope, and the dependency graph',
      )
      .exitOverride(),
    SBOM_OPTIONS,
  ).action(async (raw: Record<string, unknown>) => {
    process.exitCode = await runSbom(parseOptions(SBOM_OPTIONS, raw), raw, environment(), stopOnInterrupt());
  });
  addOptions(
    cli
      .command('exposure')
      .description(
        'every window of git history during which a lockfile of the repository locked a version of a package (any supported lockfile, anywhere in the repository), with the commits it entered and left by',
      )
      .argument(
        '<package>',
        'a package name, with @VERSION or @RANGE for only those versions (event-stream, flatmap-stream@0.1.1, event-stream@>=3.3.6)',
      )
      .addHelpText('after', EXPOSURE_EXIT_HELP)
      .exitOverride(),
    EXPOSURE_OPTIONS,
  ).action(async (spec: string, raw: Record<string, unknown>) => {
    const out = await runExposure(spec, parseOptions(EXPOSURE_OPTIONS, raw), environment(), stopOnInterrupt());
    process.stdout.write(out.text);
    process.exitCode = out.code;
  });
  addOptions(
    cli
      .command('comment')
      .description(
        'post a JSON report as the pull-request comment on GitHub, updated in place on each run (GitHub Actions: needs GITHUB_TOKEN with pull-requests: write)',
      )
      .exitOverride(),
    COMMENT_OPTIONS,
  ).action(async (raw: Record<string, unknown>) => {
    process.stdout.write(await runComment(parseOptions(COMMENT_OPTIONS, raw), environment()));
  });
  registerPolicyCommands(cli, (text) => process.stdout.write(text));
  addHelpCommand(registerHookCommand(cli));
  addHelpCommand(cli);
  return cli;
}

/** commander's `error: ...` and its `(Did you mean ...?)` line, as one `depguard: ...` line. */
function oneLine(message: string): string {
  return message.replace(/^error: /, 'depguard: ').replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)');
}

/**
 * `help [command]`, as commander's own but for an unknown command, which it answers with the
 * whole usage on stderr: here it is the one-line error every other mistake gets.
 */
function addHelpCommand(parent: Command): void {
  parent.helpCommand(false);
  parent
    .command('help')
    .description('display help for command')
    .argument('[command]', 'the command to explain')
    .action((name: string | undefined) => {
      const command = name === undefined ? parent : parent.commands.find((c) => c.name() === name);
      if (command === undefined)
        throw new UsageError(`unknown command '${name}' (see depguard ${parent.parent ? `${parent.name()} ` : ''}--help)`);
      process.stdout.write(command.helpInformation());
    });
}

async function main(argv: string[]): Promise<void> {
  // a reader that stops early closes the pipe: stop at once, quietly, and never with a passing code
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(EXIT.outputClosed);
  });
  try {
    await program().parseAsync(argv);
  } catch (caught) {
    // after Ctrl-C, whatever failed (a git killed by the same signal) failed because of it
    const error = interrupted.aborted && !(caught instanceof InterruptedError) ? new InterruptedError() : caught;
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

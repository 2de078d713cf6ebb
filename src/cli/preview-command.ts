import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { readRegularFile } from '../files.js';
import { frozenInstallArgs } from '../preview/command.js';
import { putPreviewed } from '../preview/install.js';
import { managerEnv } from '../preview/sandbox.js';
import { describeCommand, preview, type PreviewCommand, type PreviewRun, UsageError } from '../index.js';
import { forTerminal as safe } from '../report/sanitize.js';
import { atLeast, type Severity } from '../severity.js';
import { auditOptions } from './audit-options.js';
import type { Environment } from './environment.js';
import { EXIT } from './exit-code.js';
import type { PreviewValues } from './options.js';

/**
 * `depguard preview -- <manager> <args>` (see preview()): the flags as for `diff`, and the
 * temporary copy removed also when a second Ctrl-C exits at once.
 */
export function runPreview(
  command: PreviewCommand,
  flags: PreviewValues,
  environment: Environment,
  signal: AbortSignal,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<PreviewRun> {
  const {
    lockfile: _none,
    base: _base,
    head: _head,
    staged: _staged,
    ...analysis
  } = auditOptions('diff', { ...flags, lockfile: undefined }, environment);
  return preview({
    cwd: environment.cwd,
    env: environment.env,
    command,
    audit: { ...analysis, signal, ...(onProgress ? { onProgress } : {}) },
    onCopy: (dir) => {
      const remove = (): void => rmSync(dir, { recursive: true, force: true });
      process.once('exit', remove);
      return () => process.removeListener('exit', remove);
    },
  });
}

/**
 * `--then-run`: what was previewed, installed for real (stdio passed through), with the registry
 * the preview used: the files the command wrote in the copy are put in the project, then the
 * manager's frozen install runs there. Returns its exit code.
 */
export function runForReal(preview: PreviewRun, environment: Environment): Promise<number> {
  putPreviewed(preview.projectDir, preview.files);
  const args = frozenInstallArgs(preview.command.manager);
  const written = preview.files.map((f) => f.path).join(', ');
  process.stderr.write(
    `depguard: installing what ${safe(describeCommand(preview.command))} locked in the preview: ${written ? `${safe(written)} written as previewed, then ` : ''}${preview.command.manager} ${args.join(' ')}\n`,
  );
  const env = managerEnv(environment.env, preview.registry, false, preview.scopes);
  return new Promise((resolve, reject) => {
    const child = spawn(preview.launcher.executable, [...preview.launcher.prefix, ...args], {
      cwd: preview.projectDir,
      env,
      stdio: 'inherit',
      shell: false,
    });
    // Ctrl-C reaches the manager too (same process group): wait for it to stop
    const ignore = (): void => {};
    process.on('SIGINT', ignore);
    child.on('error', (error: NodeJS.ErrnoException) => {
      process.removeListener('SIGINT', ignore);
      reject(new UsageError(`cannot run ${preview.launcher.executable} (${error.code ?? error.message})`));
    });
    child.on('close', (code, signal) => {
      process.removeListener('SIGINT', ignore);
      resolve(code ?? (signal === 'SIGINT' ? EXIT.interrupted : 1));
    });
  });
}

/** After --then-run: whether the project's lockfile is still the one previewed (a frozen install never rewrites it). */
export function sameAsPreviewed(preview: PreviewRun): boolean {
  return readRegularFile(preview.lockfile, { maxBytes: Number.MAX_SAFE_INTEGER }) === preview.previewed;
}

/** What to do when --then-run did not run the command. */
export function nextSteps(preview: PreviewRun, code: number, failOn: Severity): string {
  const command = safe(describeCommand(preview.command));
  const packages = [
    ...new Set(
      preview.run.result.findings
        .filter((f) => f.kind === 'package' && atLeast(f.severity, failOn))
        .map((f) => safe(`${f.package.name}@${f.package.version}`)),
    ),
  ];
  const approve = packages.length
    ? `; then record the review with depguard approve ${packages[0]} --reason '...'${packages.length > 1 ? ` (and ${packages.slice(1).join(', ')})` : ''}, so the commit's checks pass`
    : '';
  const why =
    code === EXIT.findings
      ? `the preview has findings at or above ${failOn}`
      : 'some changed packages could not be checked (--allow-incomplete accepts that)';
  return `depguard: ${command} was not run: ${why}. After a review, run it anyway with depguard preview --then-run --force -- ${command}${approve}\n`;
}

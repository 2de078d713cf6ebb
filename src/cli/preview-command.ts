import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { audit, type AuditRun } from '../audit.js';
import { UsageError } from '../errors.js';
import { readRegularFile } from '../files.js';
import { repoRoot } from '../git.js';
import { BUN_BINARY, LOCKFILE_NAMES } from '../lockfile/detect.js';
import { projectFolder } from '../lockfile/project-folder.js';
import { readSource } from '../lockfile/source.js';
import { describeCommand, lockfileOnlyArgs, MANAGER_LOCKFILES, type PreviewCommand } from '../preview/command.js';
import { createSandbox, findOnPath, managerEnv, packageManagerField, removeSandbox, runManager } from '../preview/sandbox.js';
import { readRegistryConfig, type RegistryConfig } from '../registry/npmrc.js';
import { forTerminal as safe } from '../report/sanitize.js';
import { RULE_IDS } from '../rules/index.js';
import { atLeast, type Severity } from '../severity.js';
import { decideTrust, npmrcSources } from '../trust.js';
import { auditOptions } from './audit-options.js';
import type { Environment } from './environment.js';
import { EXIT } from './exit-code.js';
import type { PreviewValues } from './options.js';

/** A previewed command: the judged run, and what --then-run needs to run it for real. */
export interface Preview {
  readonly run: AuditRun;
  readonly command: PreviewCommand;
  readonly executable: string;
  readonly registry: RegistryConfig;
  /** The project's lockfile, and the text the preview wrote for it. */
  readonly lockfile: string;
  readonly previewed: string;
}

/**
 * `depguard preview -- <manager> <args>`: the manager writes its lockfile in a temporary copy
 * of the project (lockfile-only, scripts off), and the lockfile it wrote is judged against the
 * project's as `depguard diff --base <current> --head <new>` judges it. The project is not
 * touched; the copy is removed, also on Ctrl-C and on failure.
 */
export async function runPreview(
  command: PreviewCommand,
  flags: PreviewValues,
  environment: Environment,
  signal: AbortSignal,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<Preview> {
  const { cwd, env } = environment;
  const projectDir = await projectFolder(cwd);
  const lockfile = managerLockfile(projectDir, command);
  const root = await repoRoot(projectDir).catch(() => projectDir);
  const current = await readSource({ kind: 'file', file: lockfile }, cwd, flags.maxLockfileSize, root);
  const field = packageManagerField(current.packageJson);
  if (field !== null && field.name !== command.manager)
    throw new UsageError(
      `the project uses ${field.name} (packageManager in package.json), not ${command.manager}: preview -- ${field.name} ...`,
    );
  // the registry and credentials depguard checks against, read as the diff reads them; the manager is told to use the same
  const trust = await decideTrust({ command: 'diff', cwd, env, base: lockfile, head: lockfile, ruleIds: RULE_IDS });
  const registry = readRegistryConfig(npmrcSources(trust, env, flags.registry));
  const executable = findOnPath(command.manager, env);

  const sandbox = createSandbox({
    projectDir,
    lockfile: path.basename(lockfile),
    lockfileText: current.lockfile ?? '',
    packageJson: current.packageJson,
    workspaceManifests: current.workspaceManifests,
  });
  // a second Ctrl-C exits at once: the copy goes with the process
  const cleanup = (): void => removeSandbox(sandbox);
  process.once('exit', cleanup);
  try {
    // run where the user is (a workspace folder adds to that workspace), in the copy
    const within = path.relative(await realpath(projectDir), await realpath(cwd));
    const where = within === '' || within.startsWith('..') || path.isAbsolute(within) ? sandbox : path.join(sandbox, within);
    mkdirSync(where, { recursive: true });
    const runEnv = managerEnv(env, registry, true);
    if (command.manager === 'yarn') await refuseYarnClassic(executable, where, runEnv, signal);
    const ran = await runManager(executable, lockfileOnlyArgs(command), { cwd: where, env: runEnv, signal });
    if (ran.code !== 0)
      throw new UsageError(
        `${describeCommand(command)} failed in the temporary copy (exit ${ran.code}), nothing was judged: ${lastLines(ran.output)}`,
      );
    const head = path.join(sandbox, path.basename(lockfile));
    const previewed = readRegularFile(head, { maxBytes: flags.maxLockfileSize });
    if (previewed === null) throw new UsageError(`${describeCommand(command)} wrote no ${path.basename(lockfile)} in the temporary copy`);
    const run = await audit({
      ...auditOptions('diff', { ...flags, lockfile: undefined, base: lockfile, head }, environment),
      onProgress,
      signal,
    });
    return {
      run: relabel(run, head, path.relative(cwd, lockfile) || path.basename(lockfile), describeCommand(command)),
      command,
      executable,
      registry,
      lockfile,
      previewed,
    };
  } finally {
    process.removeListener('exit', cleanup);
    cleanup();
  }
}

/** The lockfile the manager writes, which the project must have: it is what the preview compares with. */
function managerLockfile(projectDir: string, command: PreviewCommand): string {
  const name = MANAGER_LOCKFILES[command.manager].find((n) => existsSync(path.join(projectDir, n)));
  if (name === BUN_BINARY)
    throw new UsageError(`${projectDir}/bun.lockb is Bun's binary lockfile: run bun install --save-text-lockfile to write bun.lock first`);
  if (name !== undefined) return path.join(projectDir, name);
  const other = LOCKFILE_NAMES.find((n) => existsSync(path.join(projectDir, n)));
  throw new UsageError(
    other !== undefined
      ? `the project in ${projectDir} is locked by ${other}, not by ${command.manager}: preview with the package manager that wrote it`
      : `no ${MANAGER_LOCKFILES[command.manager].filter((n) => n !== BUN_BINARY).join(' or ')} in ${projectDir}: preview compares the new lockfile with the current one (create it first, e.g. ${lockfileHint(command)})`,
  );
}

function lockfileHint(command: PreviewCommand): string {
  return lockfileOnlyArgs({ manager: command.manager, args: ['install'] })
    .filter((a) => !a.startsWith('--no-'))
    .reduce((s, a) => `${s} ${a}`, command.manager);
}

/** Yarn 1 has no lockfile-only mode: it would install, scripts and all. */
async function refuseYarnClassic(executable: string, cwd: string, env: Record<string, string>, signal: AbortSignal): Promise<void> {
  const version = await runManager(executable, ['--version'], { cwd, env, signal });
  const found = version.output.trim().split('\n').pop() ?? '';
  if (version.code !== 0) throw new UsageError(`yarn --version failed (exit ${version.code}): ${lastLines(version.output)}`);
  if (/^1\./.test(found))
    throw new UsageError(
      `yarn ${safe(found)} (Yarn 1) has no lockfile-only mode: preview refuses rather than install (use Yarn Berry, or depguard diff after the install)`,
    );
}

/** The end of what the manager said, on one line. */
function lastLines(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return safe(lines.slice(-3).join(' / ') || 'no output', 600);
}

/** The new lockfile is named as what it is (the project's lockfile after the command), not by its temporary path. */
function relabel(run: AuditRun, temporary: string, lockfile: string, command: string): AuditRun {
  const label = `${lockfile} after ${command}`;
  const forms = [temporary, path.relative(process.cwd(), temporary)].map((f) => JSON.stringify(f).slice(1, -1));
  let text = JSON.stringify(run.result);
  const headLabel = JSON.stringify(run.result.head).slice(1, -1);
  text = text.split(`"head":"${headLabel}"`).join(`"head":${JSON.stringify(label)}`);
  for (const form of forms) text = text.split(form).join(JSON.stringify(lockfile).slice(1, -1));
  return { ...run, result: JSON.parse(text) as AuditRun['result'] };
}

/**
 * `--then-run`: the same command in the project, for real (stdio passed through), with the
 * registry the preview used. Returns its exit code.
 */
export function runForReal(preview: Preview, environment: Environment): Promise<number> {
  const env = managerEnv(environment.env, preview.registry, false);
  return new Promise((resolve, reject) => {
    const child = spawn(preview.executable, [...preview.command.args], { cwd: environment.cwd, env, stdio: 'inherit', shell: false });
    // Ctrl-C reaches the manager too (same process group): wait for it to stop
    const ignore = (): void => {};
    process.on('SIGINT', ignore);
    child.on('error', (error: NodeJS.ErrnoException) => {
      process.removeListener('SIGINT', ignore);
      reject(new UsageError(`cannot run ${preview.executable} (${error.code ?? error.message})`));
    });
    child.on('close', (code, signal) => {
      process.removeListener('SIGINT', ignore);
      resolve(code ?? (signal === 'SIGINT' ? EXIT.interrupted : 1));
    });
  });
}

/** After --then-run: whether the project's lockfile is the one previewed (the registry may have moved in between). */
export function sameAsPreviewed(preview: Preview): boolean {
  return readRegularFile(preview.lockfile, { maxBytes: Number.MAX_SAFE_INTEGER }) === preview.previewed;
}

/** What to do when --then-run did not run the command. */
export function nextSteps(preview: Preview, code: number, failOn: Severity): string {
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

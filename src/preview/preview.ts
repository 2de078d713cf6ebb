import { mkdirSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { audit, type AuditOptions, type AuditRun } from '../audit.js';
import { UsageError } from '../errors.js';
import { readRegularFile } from '../files.js';
import { repoRoot } from '../git.js';
import { BUN_BINARY, LOCKFILE_NAMES } from '../lockfile/detect.js';
import { projectFolder } from '../lockfile/project-folder.js';
import { readSource, repositoryPath } from '../lockfile/source.js';
import { readRegistryConfig, type RegistryConfig } from '../registry/npmrc.js';
import { forTerminal as safe } from '../report/sanitize.js';
import { RULE_IDS } from '../rules/index.js';
import { decideTrust, npmrcSources, type Env } from '../trust.js';
import { describeCommand, lockfileOnlyArgs, MANAGER_LOCKFILES, type PreviewCommand } from './command.js';
import { locateManager, type ManagerLauncher } from './manager.js';
import { changedFiles, type ChangedFile, createSandbox, managerEnv, npmrcScopes, removeSandbox, runManager } from './sandbox.js';

export interface PreviewOptions {
  /** Where the command is run from: the project is found upward from it, as for `diff`. */
  readonly cwd: string;
  readonly env: Env;
  readonly command: PreviewCommand;
  /**
   * The analysis, as for `audit()` (policy, registry, cache, limits, code stage, progress, signal);
   * its two sides are the project's lockfile and the one the command wrote.
   */
  readonly audit: Omit<AuditOptions, 'command' | 'cwd' | 'env' | 'base' | 'head' | 'staged' | 'lockfile'>;
  /** Called with the temporary copy once it exists; the function it returns, once it is removed (the CLI removes it on a hard exit). */
  readonly onCopy?: (dir: string) => () => void;
}

/** A previewed command: the judged run, and what running it for real needs. */
export interface PreviewRun {
  readonly run: AuditRun;
  readonly command: PreviewCommand;
  /** How the package manager was run (see locateManager). */
  readonly launcher: ManagerLauncher;
  /** The registry the package manager was given, which the run checked against. */
  readonly registry: RegistryConfig;
  /** The scopes the project's .npmrc maps, given depguard's registry for them (see managerEnv). */
  readonly scopes: readonly string[];
  /** The project folder (the workspace root), where --then-run installs. */
  readonly projectDir: string;
  /** The project's lockfile, and the text the command wrote for it in the copy. */
  readonly lockfile: string;
  readonly previewed: string;
  /** Every file the command changed in the copy (the lockfile, manifests...), as it wrote them: what --then-run puts in place. */
  readonly files: readonly ChangedFile[];
}

const MB = 1024 * 1024;

/**
 * `depguard preview`: the package manager writes its lockfile in a temporary copy of the project
 * (lockfile-only, scripts off), and that lockfile is judged against the project's as
 * `audit({ base: <current>, head: <new> })` judges two lockfiles. The project is not touched;
 * the copy is removed when this returns or throws.
 */
export async function preview(options: PreviewOptions): Promise<PreviewRun> {
  const { cwd, env, command } = options;
  const maxBytes = options.audit.limits?.maxLockfileBytes ?? 64 * MB;
  const projectDir = await projectFolder(cwd);
  const lockfile = managerLockfile(projectDir, command);
  const root = await repoRoot(projectDir).catch(() => projectDir);
  const current = await readSource({ kind: 'file', file: lockfile }, cwd, maxBytes, root);
  // the registry and credentials the run checks against, read as audit() reads them: the manager is given the same.
  // Nothing of the project is under review here (the command is): its .npmrc is the user's own, registries included,
  // so a scope it maps to a private registry is resolved and checked there, never on the public one.
  const trust = await decideTrust({ command: 'diff', cwd, env, base: lockfile, head: lockfile, ruleIds: RULE_IDS, ownProject: true });
  const registry = readRegistryConfig(npmrcSources(trust, env, options.audit.registry));

  const copy = createSandbox({
    projectDir,
    lockfile: path.basename(lockfile),
    lockfileText: current.lockfile ?? '',
    packageJson: current.packageJson,
    workspaceManifests: current.workspaceManifests,
  });
  const sandbox = copy.dir;
  const removed = options.onCopy?.(sandbox);
  try {
    // run where the user is (a workspace folder adds to that workspace), in the copy
    const within = path.relative(await realpath(projectDir), await realpath(cwd));
    const where = within === '' || within.startsWith('..') || path.isAbsolute(within) ? sandbox : path.join(sandbox, within);
    mkdirSync(where, { recursive: true });
    const scopes = npmrcScopes(readRegularFile(path.join(sandbox, '.npmrc'), { maxBytes }));
    const runEnv = managerEnv(env, registry, true, scopes);
    const signal = options.audit.signal;
    const inCopy = { cwd: where, env: runEnv, ...(signal ? { signal } : {}) };
    const launcher = await locateManager(command.manager, current.packageJson, env, inCopy);
    if (command.manager === 'yarn') await refuseYarnClassic(launcher, inCopy);
    const ran = await runManager(launcher.executable, [...launcher.prefix, ...lockfileOnlyArgs(command)], inCopy);
    if (ran.code !== 0)
      throw new UsageError(
        `${describeCommand(command)} failed in the temporary copy (exit ${ran.code}), nothing was judged: ${lastLines(ran.output)}`,
      );
    const head = path.join(sandbox, path.basename(lockfile));
    const previewed = readRegularFile(head, { maxBytes });
    if (previewed === null) throw new UsageError(`${describeCommand(command)} wrote no ${path.basename(lockfile)} in the temporary copy`);
    const files = changedFiles(copy, maxBytes);
    const run = await audit({
      ...options.audit,
      command: 'diff',
      cwd,
      env,
      base: { file: lockfile },
      head: { file: head },
      ownProject: true,
    });
    return {
      run: relabel(run, cwd, head, await repositoryPath(lockfile, cwd), describeCommand(command)),
      command,
      launcher,
      registry,
      scopes,
      projectDir,
      lockfile,
      previewed,
      files,
    };
  } finally {
    removeSandbox(sandbox);
    removed?.();
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
      : `no ${MANAGER_LOCKFILES[command.manager].filter((n) => n !== BUN_BINARY).join(' or ')} in ${projectDir}: preview compares the new lockfile with the current one (write it first: ${[command.manager, ...lockfileOnlyArgs({ manager: command.manager, args: ['install'] })].join(' ')})`,
  );
}

/** Yarn 1 has no lockfile-only mode: it would install, scripts and all. */
async function refuseYarnClassic(launcher: ManagerLauncher, run: Parameters<typeof runManager>[2]): Promise<void> {
  const version = await runManager(launcher.executable, [...launcher.prefix, '--version'], run);
  if (version.code !== 0) throw new UsageError(`yarn --version failed (exit ${version.code}): ${lastLines(version.output)}`);
  const found = version.output.trim().split('\n').pop() ?? '';
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

/**
 * The new lockfile named as what it is (the project's lockfile after the command), not by its
 * temporary path: the head label, and locations, which point into the project's lockfile
 * (`lockfile`, as locations name it: from the repository root).
 */
function relabel(run: AuditRun, cwd: string, temporary: string, lockfile: string, command: string): AuditRun {
  const inJson = (s: string): string => JSON.stringify(s).slice(1, -1);
  // the head is named as the base is (the project's lockfile), then what the command did to it
  let text = JSON.stringify({ ...run.result, head: `${run.result.base} after ${command}` });
  for (const form of new Set([temporary, path.relative(cwd, temporary)])) text = text.split(inJson(form)).join(inJson(lockfile));
  return { ...run, result: JSON.parse(text) as AuditRun['result'] };
}

import { spawn } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import ini from 'ini';
import path from 'node:path';
import { InterruptedError, UsageError } from '../errors.js';
import { readRegularFile } from '../files.js';
import type { RegistryConfig } from '../registry/npmrc.js';
import type { Env } from '../trust.js';

const MAX_SETTINGS_BYTES = 16 * 1024 * 1024;

/** Package-manager settings copied beside the manifests and the lockfile (never node_modules). */
const SETTINGS_FILES = ['.npmrc', '.yarnrc.yml', 'pnpm-workspace.yaml', 'bunfig.toml'];

/** Yarn Berry runs the release the project pins (yarnPath) and its plugins; patches feed `patch:` resolutions. */
const SETTINGS_FOLDERS = ['.yarn/releases', '.yarn/plugins', '.yarn/patches'];

export interface ProjectCopy {
  /** The project folder (the workspace root). */
  readonly projectDir: string;
  /** The lockfile's name in it. */
  readonly lockfile: string;
  /** The lockfile's text, the root package.json and each workspace's, as the diff's base reads them. */
  readonly lockfileText: string;
  readonly packageJson: string | null;
  readonly workspaceManifests: Readonly<Record<string, string>>;
}

export interface Sandbox {
  readonly dir: string;
  /**
   * The files the command may change, by path relative to the copy (and to the project): the
   * lockfile, the manifests and the settings files, each with its text as copied (null: absent).
   */
  readonly files: ReadonlyMap<string, string | null>;
}

/** A file the command changed in the copy, as it wrote it (path relative to the project). */
export interface ChangedFile {
  readonly path: string;
  readonly text: string;
}

/**
 * A temporary copy of what the package manager reads to write its lockfile: the manifests, the
 * lockfile and the manager's settings. The caller removes it (removeSandbox).
 */
export function createSandbox(copy: ProjectCopy): Sandbox {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-'));
  const files = new Map<string, string | null>();
  try {
    const put = (rel: string, text: string | null): void => {
      files.set(rel, text);
      if (text === null) return;
      const file = path.join(dir, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    };
    put(copy.lockfile, copy.lockfileText);
    put('package.json', copy.packageJson);
    for (const [folder, text] of Object.entries(copy.workspaceManifests)) put(path.join(folder, 'package.json'), text);
    for (const name of SETTINGS_FILES)
      put(name, readRegularFile(path.join(copy.projectDir, name), { root: copy.projectDir, maxBytes: MAX_SETTINGS_BYTES }));
    for (const folder of SETTINGS_FOLDERS) {
      const from = path.join(copy.projectDir, folder);
      if (!isRealFolder(from)) continue;
      // regular files and folders only: a link in a settings folder is not followed out of the project
      cpSync(from, path.join(dir, folder), {
        recursive: true,
        filter: (source) => {
          const stat = lstatSync(source);
          return stat.isDirectory() || stat.isFile();
        },
      });
    }
    return { dir, files };
  } catch (error) {
    removeSandbox(dir);
    throw error;
  }
}

function isRealFolder(dir: string): boolean {
  try {
    return lstatSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** The files of the copy the command wrote or changed (the lockfile, a manifest, pnpm-workspace.yaml...). */
export function changedFiles(sandbox: Sandbox, maxBytes: number): ChangedFile[] {
  const changed: ChangedFile[] = [];
  for (const [rel, before] of sandbox.files) {
    const text = readRegularFile(path.join(sandbox.dir, rel), { root: sandbox.dir, maxBytes });
    if (text !== null && text !== before) changed.push({ path: rel, text });
  }
  return changed;
}

export function removeSandbox(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * The environment the manager runs with: the user's, with the registry depguard checks against
 * (so the lockfile and the check agree), scripts off, and nothing fetched that the user did not
 * configure (Corepack uses only what it has, never the network, in the preview).
 */
export function managerEnv(env: Env, registry: RegistryConfig, preview: boolean, scopes: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    // depguard's registry settings replace the user's own spellings of the same keys
    if (/^npm_config_(registry|@.*:registry)$/i.test(key) || /^(YARN_NPM_REGISTRY_SERVER|BUN_CONFIG_REGISTRY)$/i.test(key)) continue;
    out[key] = value;
  }
  out.npm_config_registry = registry.registry;
  out.YARN_NPM_REGISTRY_SERVER = registry.registry.replace(/\/$/, '');
  out.BUN_CONFIG_REGISTRY = registry.registry;
  // a scope the project's .npmrc maps and depguard's configuration does not goes where depguard looks for it
  for (const scope of scopes) out[`npm_config_${scope}:registry`] = registry.registry;
  for (const [key, value] of Object.entries(registry.options)) if (/^@[^:]+:registry$/.test(key)) out[`npm_config_${key}`] = String(value);
  if (preview) {
    Object.assign(out, {
      npm_config_ignore_scripts: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      YARN_ENABLE_SCRIPTS: '0',
      YARN_ENABLE_IMMUTABLE_INSTALLS: '0',
      YARN_ENABLE_TELEMETRY: '0',
      COREPACK_ENABLE_NETWORK: '0',
      COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    });
  }
  return out;
}

/** The scopes an .npmrc text maps to a registry (`@acme:registry=...`), which the manager would follow. */
export function npmrcScopes(text: string | null): string[] {
  if (text === null) return [];
  return Object.keys(ini.parse(text) as Record<string, unknown>)
    .map((key) => /^(@[^:]+):registry$/.exec(key)?.[1])
    .filter((scope): scope is string => scope !== undefined);
}

export interface ManagerRun {
  readonly code: number;
  /** What it printed (both streams, the last 64 KB). */
  readonly output: string;
}

const MAX_OUTPUT = 64 * 1024;

/** Runs the manager (an argv, never a shell) and collects its output; `signal` kills it. */
export function runManager(
  executable: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: Record<string, string>; readonly signal?: AbortSignal },
): Promise<ManagerRun> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new InterruptedError('interrupted: nothing was run in the project'));
    const child = spawn(executable, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-MAX_OUTPUT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const stop = (): void => void child.kill('SIGTERM');
    options.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', stop);
      reject(new UsageError(`cannot run ${executable} (${error.code ?? error.message})`));
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', stop);
      if (options.signal?.aborted) return reject(new InterruptedError('interrupted: nothing was run in the project'));
      resolve({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

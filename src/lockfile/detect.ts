import { existsSync } from 'node:fs';
import path from 'node:path';
import { LockfileError, UsageError } from '../errors.js';

/** The lockfile formats depguard reads. */
export type LockfileFormat = 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry' | 'bun';

/** In a directory, the first of these that exists is the project's lockfile (npm's own preference first). */
export const LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'] as const;

const SUPPORTED = 'package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml (v6, v9), yarn.lock (v1 and Berry), bun.lock';

/** Bun's binary lockfile: known, and refused with what to do instead. */
export const BUN_BINARY = 'bun.lockb';

export interface FoundLockfile {
  readonly file: string;
  /** Other lockfiles in the same directory, which were not chosen. */
  readonly passedOver: readonly string[];
}

/** The lockfile of the project in `dir`, in LOCKFILE_NAMES order. */
export function findLockfile(dir: string): FoundLockfile {
  const present = LOCKFILE_NAMES.filter((name) => existsSync(path.join(dir, name)));
  const [first, ...rest] = present;
  if (first !== undefined) return { file: path.join(dir, first), passedOver: rest };
  if (existsSync(path.join(dir, BUN_BINARY))) return { file: path.join(dir, BUN_BINARY), passedOver: [] };
  throw noLockfile(dir);
}

/**
 * The lockfile a run reads: the one the user named (`--lockfile`, relative to `cwd`), else the
 * project's own in `folder` (see findLockfile, and projectFolder for the folder found from `cwd`).
 */
export function chooseLockfile(cwd: string, named: string | undefined, folder = cwd): FoundLockfile {
  return named ? { file: path.resolve(cwd, named), passedOver: [] } : findLockfile(folder);
}

export function noLockfile(dir: string): UsageError {
  return new UsageError(`no lockfile in ${dir}: depguard reads ${SUPPORTED} (choose one with --lockfile PATH)`);
}

/**
 * The format of a lockfile, from its name, and for yarn.lock (or a name depguard does not know)
 * from its content. Anything else is refused: a lockfile depguard cannot read must never pass as
 * "no changes".
 */
export function detectFormat(label: string, fileName: string, text: string): LockfileFormat {
  switch (fileName) {
    case 'package-lock.json':
    case 'npm-shrinkwrap.json':
      return 'npm';
    case 'pnpm-lock.yaml':
      return 'pnpm';
    case 'bun.lock':
      return 'bun';
    case BUN_BINARY:
      throw new LockfileError(
        label,
        "is Bun's binary lockfile, which depguard cannot read: run `bun install --save-text-lockfile` to write bun.lock",
      );
    case 'yarn.lock': {
      const yarn = yarnFlavour(text);
      if (yarn === null)
        throw new LockfileError(label, 'is neither a Yarn v1 lockfile ("# yarn lockfile v1") nor a Yarn Berry one (__metadata)');
      return yarn;
    }
  }
  const sniffed = sniff(text);
  if (sniffed === null) throw new LockfileError(label, `is not a lockfile depguard can read (it reads ${SUPPORTED})`);
  return sniffed;
}

/**
 * The `__metadata.version` of a Berry yarn.lock (Yarn writes it first, right after its header
 * comment); null for any other lockfile. Yarn's defaults follow it (see src/config/script-allowlist.ts).
 */
export function yarnBerryLockfileVersion(text: string | null): number | null {
  if (text === null) return null;
  const match = /^"?__metadata"?:\r?\n[ \t]+version:[ \t]*"?(\d{1,4})"?[ \t]*\r?$/m.exec(text.slice(0, 4096));
  return match ? Number(match[1]) : null;
}

function yarnFlavour(text: string): 'yarn-classic' | 'yarn-berry' | null {
  if (/^# yarn lockfile v1\r?$/m.test(text)) return 'yarn-classic';
  if (/^"?__metadata"?:\r?$/m.test(text)) return 'yarn-berry';
  return null;
}

/** Lockfiles under other names (head.json, a copy in a temporary directory): by their first signs. */
function sniff(text: string): LockfileFormat | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters in strangers' strings is the point
  if (/[\u0000]/.test(text.slice(0, 4096))) return null;
  const yarn = yarnFlavour(text);
  if (yarn) return yarn;
  if (/^lockfileVersion: ['"]?\d/m.test(text)) return 'pnpm';
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{')) return null;
  // bun.lock: JSONC with a "workspaces" object keyed by directory, the root being ""
  if (/"workspaces"\s*:\s*\{\s*""\s*:/.test(text) && !/"requires"\s*:/.test(text)) return 'bun';
  return 'npm';
}

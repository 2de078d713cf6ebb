import { LockfileError } from '../errors.js';
import { detectFormat } from './detect.js';
import type { Loader } from './npm.js';
import type { Snapshot } from '../model.js';
import type { LockfileText } from './source.js';

/**
 * A lockfile of any supported format as a Snapshot; an unknown or unreadable one is a
 * LockfileError. `loader` chooses, for npm lockfiles, between the fast loader and Arborist.
 */
export async function loadSnapshot(text: LockfileText, loader: Loader = 'fast'): Promise<Snapshot> {
  if (text.lockfile === null) return emptySnapshot(text.label);
  // no format writes a line starting with seven of these: a merge left half-done, in any format
  if (CONFLICT_MARKER.test(text.lockfile)) {
    throw new LockfileError(text.label, 'has unresolved git merge conflict markers (resolve them, or let the package manager rewrite it)');
  }
  const lockText = { ...text, lockfile: text.lockfile };
  switch (detectFormat(text.label, text.fileName, text.lockfile)) {
    // each loader (and its parser) is loaded only for its own format: start-up stays small
    case 'npm':
      return (await import('./npm.js')).loadNpmLockfile(lockText, loader);
    case 'pnpm':
      return (await import('./pnpm.js')).loadPnpmLockfile(lockText);
    case 'yarn-classic':
      return (await import('./yarn-classic.js')).loadYarnClassicLockfile(lockText);
    case 'yarn-berry':
      return (await import('./yarn-berry.js')).loadYarnBerryLockfile(lockText);
    case 'bun':
      return (await import('./bun.js')).loadBunLockfile(lockText);
  }
}

const CONFLICT_MARKER = /^(?:<{7}|>{7})(?: |\r?$)|^={7}\r?$/m;

function emptySnapshot(source: string): Snapshot {
  return { source, format: 'npm', nodes: [], edges: [], manifest: null, lockedRoot: null };
}

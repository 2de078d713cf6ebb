import { loadBunLockfile } from './bun.js';
import { detectFormat } from './detect.js';
import { loadNpmLockfile, type Loader } from './npm.js';
import { loadPnpmLockfile } from './pnpm.js';
import type { Snapshot } from './snapshot.js';
import type { LockfileText } from './source.js';
import { loadYarnBerryLockfile } from './yarn-berry.js';
import { loadYarnClassicLockfile } from './yarn-classic.js';

/**
 * A lockfile of any supported format as a Snapshot; an unknown or unreadable one is a
 * LockfileError. `loader` chooses, for npm lockfiles, between the fast loader and Arborist.
 */
export async function loadSnapshot(text: LockfileText, loader: Loader = 'fast'): Promise<Snapshot> {
  if (text.lockfile === null) return emptySnapshot(text.label);
  const lockText = { ...text, lockfile: text.lockfile };
  switch (detectFormat(text.label, text.fileName, text.lockfile)) {
    case 'npm':
      return loadNpmLockfile(lockText, loader);
    case 'pnpm':
      return loadPnpmLockfile(lockText);
    case 'yarn-classic':
      return loadYarnClassicLockfile(lockText);
    case 'yarn-berry':
      return loadYarnBerryLockfile(lockText);
    case 'bun':
      return loadBunLockfile(lockText);
  }
}

export function emptySnapshot(source: string): Snapshot {
  return { source, format: 'npm', lockfileVersion: 0, nodes: [], edges: [], manifest: null, lockedRoot: null };
}

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readRegularFile } from './files.js';
import { listFolder, showFile } from './git.js';

/** Configuration files (policy, .npmrc, package.json read for its "depguard" key) are at most this large. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/**
 * The project folder as one side of a change has it: the working tree, the index, or a git
 * revision. What a side may decide (and what it may only be judged by) is src/trust.ts's call;
 * this only reads, with the checks of readRegularFile and showFile.
 */
export interface ProjectView {
  /** How a file of this side is named in messages: `HEAD~1:app/.npmrc`, `index:.npmrc`, `.npmrc`. */
  describe(name: string): string;
  /** A file's text; null when this side has none. */
  read(name: string): Promise<string | null>;
  /** The names directly in the folder. */
  names(): Promise<readonly string[]>;
}

/** The folder on disk; files inside `root` must resolve inside it. */
export function diskView(dir: string, root: string, cwd: string): ProjectView {
  const describe = (name: string): string => {
    const rel = path.relative(cwd, path.join(dir, name));
    return rel === '' || rel.startsWith('..') ? path.join(dir, name) : rel;
  };
  return {
    describe,
    read: async (name) => readRegularFile(path.join(dir, name), { root, maxBytes: MAX_CONFIG_BYTES, label: describe(name) }),
    names: async () => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
  };
}

/** The folder `dirRel` (posix, relative to the work tree `root`) at `rev`; '' is the index. */
export function revisionView(root: string, rev: string, dirRel: string): ProjectView {
  const at = (name: string): string => (dirRel === '.' || dirRel === '' ? name : `${dirRel}/${name}`);
  return {
    describe: (name) => `${rev === '' ? 'index' : rev}:${at(name)}`,
    read: (name) => showFile(root, rev, at(name), MAX_CONFIG_BYTES),
    names: () => listFolder(root, rev, dirRel),
  };
}

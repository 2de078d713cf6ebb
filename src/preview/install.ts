import path from 'node:path';
import { FileError } from '../errors.js';
import { writeRegularFile } from '../files.js';
import type { ChangedFile } from './sandbox.js';

/**
 * `--then-run`, first half: the files the command wrote in the temporary copy (the lockfile that
 * was judged, the manifests, a settings file it changed) are put in the project as they were
 * judged, so that what is installed next is what was previewed, not a second resolution against
 * a registry that may have moved since. Each path is one the copy was made from, inside the
 * project; a link leaving the project is refused.
 */
export function putPreviewed(projectDir: string, files: readonly ChangedFile[]): void {
  for (const file of files) {
    const target = path.resolve(projectDir, file.path);
    const rel = path.relative(projectDir, target);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new FileError(file.path, 'is outside the project: refused');
    writeRegularFile(target, file.text, { root: projectDir, label: rel });
  }
}

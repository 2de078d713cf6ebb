import path from 'node:path';
import { explainPackage } from '../diff/explain.js';
import { UsageError } from '../errors.js';
import { loadSnapshot } from '../lockfile/load.js';
import { findLockfile, type FoundLockfile } from '../lockfile/detect.js';
import { parseSourceSpec, readSource, type LockSource } from '../lockfile/source.js';
import { pathText } from '../report/wording.js';
import { forTerminal as safe } from '../report/sanitize.js';
import type { Environment } from './diff-command.js';

export interface WhyFlags {
  lockfile?: string;
  head?: string;
  format: string;
}

const MAX_LOCKFILE_BYTES = 256 * 1024 * 1024;

/** `depguard why NAME`: from the same snapshot the diff uses. Exit 1 when the package is not in the tree. */
export async function runWhy(name: string, flags: WhyFlags, environment: Environment): Promise<{ text: string; found: boolean }> {
  if (flags.format !== 'text' && flags.format !== 'json') throw new UsageError(`--format must be text or json, not '${flags.format}'`);
  const { cwd } = environment;
  const lockfile = (): FoundLockfile => (flags.lockfile ? { file: path.resolve(cwd, flags.lockfile), passedOver: [] } : findLockfile(cwd));
  const source: LockSource = flags.head !== undefined ? parseSourceSpec(flags.head, lockfile, cwd) : { kind: 'file', ...lockfile() };
  const text = await readSource(source, cwd, MAX_LOCKFILE_BYTES);
  if (text.lockfile === null) throw new UsageError(`${text.label} does not exist`);
  const copies = explainPackage(await loadSnapshot(text), name);
  if (flags.format === 'json') return { text: `${JSON.stringify({ schemaVersion: 1, command: 'why', lockfile: text.label, package: name, copies }, null, 2)}\n`, found: copies.length > 0 };
  if (copies.length === 0) return { text: `${safe(name)} is not in ${safe(text.label)}\n`, found: false };
  const lines: string[] = [];
  for (const c of copies) {
    lines.push(`${safe(c.name)}@${safe(c.version)}  ${safe(c.location)}${c.dev ? '  (dev)' : ''}${c.optional ? '  (optional)' : ''}`);
    for (const p of c.paths) lines.push(`  ${safe(pathText(p))}`);
    if (c.truncated) lines.push(`  … more paths not shown`);
  }
  return { text: `${lines.join('\n')}\n`, found: true };
}

import { createTwoFilesPatch } from 'diff';
import { RegistryError } from '../errors.js';
import type { Change } from '../model.js';
import { forTerminal } from '../report/sanitize.js';
import { nonRegistrySource } from '../sources.js';
import type { TarballFetcher } from './analyzer.js';
import { readTarball, type TarFile } from './tarball.js';

/** Files larger than this are named, not diffed (a reviewer reads code, not bundles of it). */
const MAX_DIFF_BYTES = 512 * 1024;
/** Lines of one file's diff shown. */
const MAX_LINES = 2_000;
/** Longest line shown, after escaping. */
const MAX_LINE = 400;

/**
 * The unified diff of one change's files (old version against new; a package new to the tree
 * against nothing), every line escaped for the terminal: a tarball's bytes are a stranger's.
 */
export async function packageDiff(fetcher: TarballFetcher, change: Change): Promise<string> {
  const after = change.after!;
  const before = change.before && nonRegistrySource(change.before.resolved) === null ? change.before : null;
  const title = `${change.name} ${before ? `${before.version} -> ` : ''}${after.version}`;
  const elsewhere = nonRegistrySource(after.resolved);
  if (elsewhere) return `${forTerminal(title)}: not installed from a registry (${elsewhere}); depguard fetches nothing else\n`;
  const load = async (side: { version: string; integrity: string | null }): Promise<Map<string, TarFile>> => {
    const tgz = await fetcher.tarball(change.name, side.version, side.integrity);
    return new Map((await readTarball(tgz)).files.map((f) => [f.path, f]));
  };
  // both fetched at once; a failure is reported old side first, whichever failed first in time
  const [left, right] = await Promise.allSettled([before ? load(before) : new Map<string, TarFile>(), load(after)]);
  let old: Map<string, TarFile>;
  let now: Map<string, TarFile>;
  try {
    old = settledValue(left);
    now = settledValue(right);
  } catch (error) {
    if (error instanceof RegistryError) return `${forTerminal(title)}: ${forTerminal(error.reason)}\n`;
    throw error;
  }
  const out: string[] = [`# ${forTerminal(title)}`];
  for (const file of [...new Set([...old.keys(), ...now.keys()])].sort()) {
    const a = old.get(file);
    const b = now.get(file);
    if (a && b && same(a, b)) continue;
    out.push(fileDiff(file, a, b));
  }
  if (out.length === 1) out.push('(no file differs)');
  return `${out.join('\n')}\n`;
}

function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

function same(a: TarFile, b: TarFile): boolean {
  return a.size === b.size && a.bytes !== undefined && b.bytes !== undefined && Buffer.from(a.bytes).equals(Buffer.from(b.bytes));
}

function fileDiff(file: string, a: TarFile | undefined, b: TarFile | undefined): string {
  const name = forTerminal(file);
  const text = (f: TarFile | undefined): string | null => {
    if (!f) return '';
    if (!f.bytes || f.size > MAX_DIFF_BYTES || f.bytes.includes(0)) return null;
    return Buffer.from(f.bytes).toString('utf8');
  };
  const left = text(a);
  const right = text(b);
  if (left === null || right === null)
    return `--- a/${name}\n+++ b/${name}\n(binary or larger than ${MAX_DIFF_BYTES / 1024} KB: ${a?.size ?? 0} -> ${b?.size ?? 0} bytes)`;
  const patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, left, right, undefined, undefined, { context: 3 });
  const lines = patch.split('\n').slice(1); // the "====" line
  while (lines.at(-1) === '') lines.pop();
  // tabs shown as spaces; every other control character escaped
  const shown = lines.slice(0, MAX_LINES).map((line) => forTerminal(line.replace(/\t/g, '    '), MAX_LINE));
  if (lines.length > MAX_LINES) shown.push(`… ${lines.length - MAX_LINES} more lines`);
  return shown.join('\n');
}

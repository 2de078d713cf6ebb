import { parseLockfile } from './parse.js';
import { isRecord } from '../records.js';

/** Finds the 1-based line of a package's entry in a lockfile's text. */
export type EntryLineFinder = (name: string, version: string) => number;

const SEP = '\u0000';

/**
 * Reports point at the line that installs a package: in lockfile v2/v3 the
 * `"node_modules/<name>": {` key of its first location in `packages`, in v1 its `"<name>": {` key
 * in `dependencies` (top level first, then nested). The line is read from the text itself, so
 * any indentation or key order works. A package with no entry (or a git dependency whose version
 * the lockfile does not spell) points at line 1.
 */
export function entryLineFinder(text: string): EntryLineFinder {
  const data = parseLockfile('lockfile', text);
  const keyLines = objectKeyLines(text);
  const entries = data.lockfileVersion >= 2 ? v2Entries(data.packages) : v1Entries(data.raw.dependencies);
  const first = new Map<string, readonly string[]>();
  for (const entry of entries) {
    const id = `${entry.name}@${entry.version}`;
    if (!first.has(id)) first.set(id, entry.keys);
  }
  return (name, version) => {
    const keys = first.get(`${name}@${version}`);
    return (keys && keyLines.get(SEP + keys.join(SEP))) ?? 1;
  };
}

interface Entry {
  /** The registry name. */
  readonly name: string;
  readonly version: string;
  /** The path of keys from the top of the lockfile to the entry. */
  readonly keys: readonly string[];
}

/** Every installed package in v2/v3 `packages`, in the lockfile's order. */
function v2Entries(packages: Readonly<Record<string, Record<string, unknown>>>): Entry[] {
  const out: Entry[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    const at = key.lastIndexOf('node_modules/');
    if (at === -1 || typeof entry.version !== 'string') continue;
    const name = typeof entry.name === 'string' ? entry.name : key.slice(at + 'node_modules/'.length);
    out.push({ name, version: entry.version, keys: ['packages', key] });
  }
  return out;
}

/**
 * Every v1 `dependencies` entry, breadth first so the hoisted copy comes before nested ones. An
 * npm: alias is listed under the registry name its version spells (`npm:<name>@<version>`).
 */
function v1Entries(top: unknown): Entry[] {
  const out: Entry[] = [];
  const queue: Array<{ readonly deps: unknown; readonly keys: readonly string[] }> = [{ deps: top, keys: ['dependencies'] }];
  for (let i = 0; i < queue.length; i++) {
    const { deps, keys: parent } = queue[i]!;
    if (!isRecord(deps)) continue;
    for (const [installedAs, entry] of Object.entries(deps)) {
      if (!isRecord(entry) || typeof entry.version !== 'string') continue;
      const keys = [...parent, installedAs];
      const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(entry.version);
      out.push(alias ? { name: alias[1]!, version: alias[2]!, keys } : { name: installedAs, version: entry.version, keys });
      queue.push({ deps: entry.dependencies, keys: [...keys, 'dependencies'] });
    }
  }
  return out;
}

/**
 * The line of every key whose value is an object, by its path of keys (joined with NUL and
 * prefixed with one). A single pass over the text: JSON strings cannot hold a raw newline, so
 * counting newlines outside strings counts lines.
 */
function objectKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const stack: Array<{ readonly array: boolean; readonly path: string; expectKey: boolean }> = [];
  let line = 1;
  let key: { readonly name: string; readonly line: number } | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n') {
      line++;
    } else if (ch === '"') {
      const end = stringEnd(text, i);
      const top = stack.at(-1);
      if (top && !top.array && top.expectKey) {
        const raw = text.slice(i + 1, end);
        key = { name: raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw, line };
        top.expectKey = false;
      }
      i = end;
    } else if (ch === '{' || ch === '[') {
      const parent = stack.at(-1);
      let path = '';
      if (parent?.array) path = `${parent.path}${SEP}[]`;
      else if (parent && key) path = `${parent.path}${SEP}${key.name}`;
      if (ch === '{' && parent && !parent.array && key) lines.set(path, key.line);
      stack.push({ array: ch === '[', path, expectKey: ch === '{' });
      key = null;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',') {
      const top = stack.at(-1);
      if (top && !top.array) top.expectKey = true;
      key = null;
    }
  }
  return lines;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i;
}

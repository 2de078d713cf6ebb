import { LockfileError } from '../errors.js';
import { isPackage } from '../model.js';
import { isRecord } from '../records.js';
import { detectFormat } from './detect.js';
import { loadSnapshot } from './load.js';

/** A lockfile's bytes, with the name it has (which tells its format) and the label errors give it. */
export interface LockfileBytes {
  readonly label: string;
  readonly fileName: string;
  readonly bytes: Buffer;
}

/**
 * The versions of the registry package `name` a lockfile locks (aliases count as the package
 * they install; the project, its workspaces and links do not), sorted, each once: what
 * `loadSnapshot(...).nodes` says, without the package.json beside it. `depguard exposure` asks
 * this of thousands of revisions, so an npm v2/v3 lockfile is answered from its `packages` map
 * straight away, as the fast loader reads each entry's name and version, without building the
 * tree (the tests hold the two equal on every fixture); the other formats go through their loader.
 */
export async function lockedVersions(lockfile: LockfileBytes, name: string): Promise<string[]> {
  const { label, fileName, bytes } = lockfile;
  // a format told by its content (yarn.lock) is told by its start
  if (detectFormat(label, fileName, bytes.toString('utf8', 0, Math.min(bytes.length, 4096))) === 'npm') {
    const versions = npmVersions(label, bytes, name);
    if (versions !== null) return versions;
  }
  const text = { label, fileName, lockfile: bytes.toString('utf8'), packageJson: null, workspaceManifests: {} };
  const snapshot = await loadSnapshot(text);
  return unique(snapshot.nodes.filter((n) => isPackage(n) && n.packageName === name).map((n) => n.version));
}

/** From a v2/v3 `packages` map; null for a v1 lockfile, which only Arborist reads. */
function npmVersions(label: string, bytes: Buffer, name: string): string[] | null {
  const data = inPieces(bytes) ?? whole(label, bytes);
  if (data === null) return null;
  const found: string[] = [];
  for (const [key, entry] of data) {
    const cut = key.lastIndexOf('node_modules/');
    if (cut === -1 || !isRecord(entry) || entry.link === true) continue;
    const installed = typeof entry.name === 'string' ? entry.name : key.slice(cut + 'node_modules/'.length);
    if (installed !== name) continue;
    if (typeof entry.version !== 'string') throw new LockfileError(label, `packages[${JSON.stringify(key)}] has no version`);
    found.push(entry.version);
  }
  return unique(found);
}

type Packages = Iterable<readonly [string, unknown]>;

function whole(label: string, bytes: Buffer): Packages | null {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new LockfileError(label, `is not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (!isRecord(data) || (data.lockfileVersion !== 2 && data.lockfileVersion !== 3)) return null;
  if (!isRecord(data.packages)) throw new LockfileError(label, `lockfileVersion ${data.lockfileVersion} needs a "packages" object`);
  return Object.entries(data.packages);
}

const PACKAGES_OPEN = Buffer.from('\n  "packages": {\n');
const PACKAGES_CLOSE = Buffer.from('\n  }');
const MEMBER = Buffer.from('\n    "');
/** Under V8's large-object size (128 KB), where a string costs microseconds to make instead of milliseconds. */
const PIECE_BYTES = 64 * 1024;

/**
 * The `packages` map of a lockfile laid out as npm writes it, parsed in pieces of about 64 KB
 * cut before its members' lines (`\n    "key": {`): making one JavaScript string of a whole
 * lockfile over 128 KB, and parsing it, costs several times more, and thousands of revisions are
 * read. The cuts hold only if every piece is a whole list of members on its own: raw line breaks
 * cannot be inside a JSON string, so a cut is always between tokens, and a cut inside a nested
 * value leaves a piece that does not parse. Then the pieces, the text before the map and the
 * text after it are the whole document, and say what JSON.parse of it would (a later duplicate
 * key wins). Null when the layout is not npm's, or a check fails: the caller parses it whole.
 */
function inPieces(bytes: Buffer): Packages | null {
  const open = bytes.indexOf(PACKAGES_OPEN);
  if (open === -1) return null;
  // the map's members start on the line after its brace: every piece starts with "\n    \""
  const body = open + PACKAGES_OPEN.length - 1;
  const close = bytes.indexOf(PACKAGES_CLOSE, body);
  if (close === -1 || bytes.length - close > PIECE_BYTES || body > PIECE_BYTES) return null;
  const before = parsed(`${bytes.toString('utf8', 0, body)}}}`);
  const afterText = bytes.toString('utf8', close);
  // a second "packages" after this one would be the one JSON.parse keeps
  if (afterText.includes('"packages"')) return null;
  const after = parsed(`{"packages": {${afterText}`);
  if (!isRecord(before) || !isRecord(after) || !isRecord(before.packages) || Object.keys(before.packages).length > 0) return null;
  const version = 'lockfileVersion' in after ? after.lockfileVersion : before.lockfileVersion;
  if (version !== 2 && version !== 3) return null;
  const packages = new Map<string, unknown>();
  for (let start = body; start < close; ) {
    const next = start + PIECE_BYTES >= close ? -1 : bytes.indexOf(MEMBER, start + PIECE_BYTES);
    const end = next === -1 || next > close ? close : next;
    const last = end === close;
    const piece = bytes.toString('utf8', start, end).trimEnd();
    // members are separated by commas: one ends every piece but the last
    if (piece.endsWith(',') === last) return null;
    const members = parsed(`{${last ? piece : piece.slice(0, -1)}}`);
    if (!isRecord(members)) return null;
    for (const key of Object.keys(members)) packages.set(key, members[key]);
    start = end;
  }
  return packages;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function unique(versions: readonly string[]): string[] {
  return [...new Set(versions)].sort();
}

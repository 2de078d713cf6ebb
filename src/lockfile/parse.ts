import { LockfileError } from '../errors.js';
import { hasControlChars, isPackageName as validName, MAX_FIELD, OBJECT_MEMBERS } from './names.js';
import { isRecord } from '../records.js';

export interface LockfileData {
  readonly lockfileVersion: number;
  readonly packages: Readonly<Record<string, Record<string, unknown>>>;
  readonly raw: Record<string, unknown>;
}

const SUPPORTED_VERSIONS = new Set([1, 2, 3]);

/**
 * Parses and checks a package-lock.json / npm-shrinkwrap.json before anything else touches it,
 * so malformed input fails here with a one-line reason instead of deep inside Arborist.
 */
export function parseLockfile(label: string, text: string): LockfileData {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new LockfileError(label, `is not valid JSON (${reason})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new LockfileError(label, `is not a lockfile: expected a JSON object, found ${describe(raw)}`);
  }
  const record = raw as Record<string, unknown>;
  const version = record.lockfileVersion;
  if (typeof version !== 'number' || !SUPPORTED_VERSIONS.has(version)) {
    throw new LockfileError(label, `has unsupported lockfileVersion ${JSON.stringify(version) ?? 'missing'} (depguard reads 1, 2 and 3)`);
  }
  const packages = record.packages;
  if (version >= 2) {
    if (!isRecord(packages)) throw new LockfileError(label, `lockfileVersion ${version} needs a "packages" object`);
    for (const [key, entry] of Object.entries(packages)) checkEntry(label, key, entry, key === '');
  } else {
    checkV1Dependencies(label, record.dependencies, 'dependencies');
  }
  return {
    lockfileVersion: version,
    packages: isRecord(packages) ? (packages as Record<string, Record<string, unknown>>) : {},
    raw: record,
  };
}

function checkEntry(label: string, key: string, entry: unknown, isRoot: boolean): void {
  // the message is built only when there is something to say: this runs for every entry
  const where = (): string => `packages[${JSON.stringify(key)}]`;
  const fail = (problem: string): never => {
    throw new LockfileError(label, `${where()}${problem}`);
  };
  if (!isRecord(entry)) fail(' is not an object');
  if (hasControlChars(key)) fail(' has control characters in its key');
  const parts = key.split('/');
  if (parts.some((part) => part === '..' || part === '.') || key.startsWith('/') || /^[a-zA-Z]:/.test(key))
    fail(' points outside the project');
  if (parts.some((part) => OBJECT_MEMBERS.has(part))) fail(' uses a reserved JavaScript name in its key');
  const e = entry as Record<string, unknown>;
  const inNodeModules = key.includes('node_modules/');
  if (!isRoot && !e.link && inNodeModules && typeof e.version !== 'string') fail(' has no version');
  for (const field of STRING_FIELDS) {
    const value = e[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') fail(`.${field} is not a string`);
    if (hasControlChars(value as string) || (value as string).length > MAX_FIELD) fail(`.${field} has control characters or is too long`);
  }
  if (inNodeModules) {
    if (!validName(key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)))
      fail(` names an invalid package ${JSON.stringify(key.slice(key.lastIndexOf('node_modules/') + 13))}`);
    if (typeof e.name === 'string' && !validName(e.name)) fail(`.name names an invalid package ${JSON.stringify(e.name)}`);
  }
  for (const field of DEPENDENCY_FIELDS) {
    const deps = e[field];
    if (deps === undefined) continue;
    if (!isRecord(deps)) fail(`.${field} is not an object`);
    for (const name in deps as Record<string, unknown>) {
      if (!Object.hasOwn(deps as object, name)) continue;
      if (!validName(name)) fail(`.${field} names an invalid package ${JSON.stringify(name)}`);
      const spec = (deps as Record<string, unknown>)[name];
      if (typeof spec !== 'string' || hasControlChars(spec)) fail(`.${field}[${JSON.stringify(name)}] is not a valid range`);
    }
  }
}

const STRING_FIELDS = ['version', 'resolved', 'integrity', 'name'] as const;
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** npm's own rules (old packages' looser ones included): no __proto__, no control characters, no paths. */
function checkName(label: string, where: string, name: string): void {
  if (!validName(name)) throw new LockfileError(label, `${where} names an invalid package ${JSON.stringify(name)}`);
}

/** v1 nests `dependencies` as deep as node_modules nests: walked with a stack, so that no depth overflows ours. */
function checkV1Dependencies(label: string, top: unknown, topWhere: string): void {
  const pending: Array<[unknown, string]> = [[top, topWhere]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [deps, where] = next;
    if (deps === undefined) continue;
    if (!isRecord(deps)) throw new LockfileError(label, `${where} is not an object`);
    for (const [name, entry] of Object.entries(deps as Record<string, unknown>)) {
      const at = `${where}[${JSON.stringify(name)}]`;
      if (hasControlChars(name) || OBJECT_MEMBERS.has(name)) throw new LockfileError(label, `${at} is not a valid package name`);
      checkName(label, at, name);
      if (!isRecord(entry)) throw new LockfileError(label, `${at} is not an object`);
      const e = entry as Record<string, unknown>;
      if (typeof e.version !== 'string') throw new LockfileError(label, `${at} has no version`);
      if (hasControlChars(e.version) || e.version.length > MAX_FIELD)
        throw new LockfileError(label, `${at}.version has control characters or is too long`);
      if (e.requires !== undefined) {
        if (!isRecord(e.requires)) throw new LockfileError(label, `${at}.requires is not an object`);
        for (const dep of Object.keys(e.requires)) checkName(label, `${at}.requires`, dep);
      }
      pending.push([e.dependencies, `${at}.dependencies`]);
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

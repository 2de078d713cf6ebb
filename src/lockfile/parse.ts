import { LockfileError } from '../errors.js';

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
    if (!isPlainObject(packages)) throw new LockfileError(label, `lockfileVersion ${version} needs a "packages" object`);
    for (const [key, entry] of Object.entries(packages)) checkEntry(label, key, entry, key === '');
  } else {
    checkV1Dependencies(label, record.dependencies, 'dependencies');
  }
  return {
    lockfileVersion: version,
    packages: isPlainObject(packages) ? (packages as Record<string, Record<string, unknown>>) : {},
    raw: record,
  };
}

function checkEntry(label: string, key: string, entry: unknown, isRoot: boolean): void {
  const where = `packages[${JSON.stringify(key)}]`;
  if (!isPlainObject(entry)) throw new LockfileError(label, `${where} is not an object`);
  if (hasControlChars(key)) throw new LockfileError(label, `${where} has control characters in its key`);
  if (key.split('/').some((part) => part === '..' || part === '.') || key.startsWith('/') || /^[a-zA-Z]:/.test(key)) {
    throw new LockfileError(label, `${where} points outside the project`);
  }
  const e = entry as Record<string, unknown>;
  if (!isRoot && !e.link && key.includes('node_modules/') && typeof e.version !== 'string') {
    throw new LockfileError(label, `${where} has no version`);
  }
  for (const field of ['version', 'resolved', 'integrity', 'name'] as const) {
    if (e[field] !== undefined && typeof e[field] !== 'string') throw new LockfileError(label, `${where}.${field} is not a string`);
  }
}

function checkV1Dependencies(label: string, deps: unknown, where: string): void {
  if (deps === undefined) return;
  if (!isPlainObject(deps)) throw new LockfileError(label, `${where} is not an object`);
  for (const [name, entry] of Object.entries(deps as Record<string, unknown>)) {
    const at = `${where}[${JSON.stringify(name)}]`;
    if (hasControlChars(name) || name.split('/').some((p) => p === '..' || p === '.')) {
      throw new LockfileError(label, `${at} is not a valid package name`);
    }
    if (!isPlainObject(entry)) throw new LockfileError(label, `${at} is not an object`);
    const e = entry as Record<string, unknown>;
    if (typeof e.version !== 'string') throw new LockfileError(label, `${at} has no version`);
    checkV1Dependencies(label, e.dependencies, `${at}.dependencies`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function hasControlChars(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(s);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

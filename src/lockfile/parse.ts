import validateName from 'validate-npm-package-name';
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
  if (key.split('/').some((part) => OBJECT_MEMBERS.has(part))) throw new LockfileError(label, `${where} uses a reserved JavaScript name in its key`);
  const e = entry as Record<string, unknown>;
  if (!isRoot && !e.link && key.includes('node_modules/') && typeof e.version !== 'string') {
    throw new LockfileError(label, `${where} has no version`);
  }
  for (const field of ['version', 'resolved', 'integrity', 'name'] as const) {
    if (e[field] !== undefined && typeof e[field] !== 'string') throw new LockfileError(label, `${where}.${field} is not a string`);
    if (typeof e[field] === 'string' && (hasControlChars(e[field]) || (e[field] as string).length > MAX_FIELD)) throw new LockfileError(label, `${where}.${field} has control characters or is too long`);
  }
  if (key.includes('node_modules/')) {
    const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
    checkName(label, `${where}`, name);
    if (typeof e.name === 'string') checkName(label, `${where}.name`, e.name);
  }
  for (const field of DEPENDENCY_FIELDS) {
    const deps = e[field];
    if (deps === undefined) continue;
    if (!isPlainObject(deps)) throw new LockfileError(label, `${where}.${field} is not an object`);
    for (const [name, spec] of Object.entries(deps)) {
      checkName(label, `${where}.${field}`, name);
      if (typeof spec !== 'string' || hasControlChars(spec)) throw new LockfileError(label, `${where}.${field}[${JSON.stringify(name)}] is not a valid range`);
    }
  }
}

const MAX_FIELD = 4096;
/** Keys that name JavaScript object machinery: no real package or folder needs them, attacks do. */
const OBJECT_MEMBERS = new Set(['__proto__', 'constructor', 'prototype']);
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** npm's own rules (old packages' looser ones included): no __proto__, no control characters, no paths. */
function checkName(label: string, where: string, name: string): void {
  if (!validateName(name).validForOldPackages) throw new LockfileError(label, `${where} names an invalid package ${JSON.stringify(name)}`);
}

function checkV1Dependencies(label: string, deps: unknown, where: string): void {
  if (deps === undefined) return;
  if (!isPlainObject(deps)) throw new LockfileError(label, `${where} is not an object`);
  for (const [name, entry] of Object.entries(deps as Record<string, unknown>)) {
    const at = `${where}[${JSON.stringify(name)}]`;
    if (hasControlChars(name) || OBJECT_MEMBERS.has(name)) throw new LockfileError(label, `${at} is not a valid package name`);
    checkName(label, at, name);
    if (!isPlainObject(entry)) throw new LockfileError(label, `${at} is not an object`);
    const e = entry as Record<string, unknown>;
    if (typeof e.version !== 'string') throw new LockfileError(label, `${at} has no version`);
    if (hasControlChars(e.version) || e.version.length > MAX_FIELD) throw new LockfileError(label, `${at}.version has control characters or is too long`);
    if (e.requires !== undefined) {
      if (!isPlainObject(e.requires)) throw new LockfileError(label, `${at}.requires is not an object`);
      for (const dep of Object.keys(e.requires)) checkName(label, `${at}.requires`, dep);
    }
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

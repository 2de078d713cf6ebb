import { LockfileError } from '../errors.js';
import { isRecord } from '../records.js';

/** Checks on parsed lockfile data, failing with a one-line LockfileError that says where. */

/** An object, or {} when absent. */
export function recordAt(label: string, where: string, value: unknown): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new LockfileError(label, `${where} is not an object`);
  return value;
}

/** A name -> string map (dependencies), or {} when absent. */
export function stringsAt(label: string, where: string, value: unknown): Record<string, string> {
  const record = recordAt(label, where, value);
  for (const [key, v] of Object.entries(record)) {
    if (typeof v !== 'string') throw new LockfileError(label, `${where}[${JSON.stringify(key)}] is not a string`);
  }
  return record as Record<string, string>;
}

export function optionalString(label: string, where: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new LockfileError(label, `${where} is not a string`);
  return value;
}

/** A package.json's text as an object; null when missing or not a JSON object. */
export function parseManifest(text: string | null | undefined): Record<string, unknown> | null {
  if (text === null || text === undefined) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}

/** `name@range` -> [name, range], scoped names included. */
export function splitSpec(spec: string): [string, string] {
  const at = spec.indexOf('@', 1);
  return at < 0 ? [spec, ''] : [spec.slice(0, at), spec.slice(at + 1)];
}

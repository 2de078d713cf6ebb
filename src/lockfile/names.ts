import validateName from 'validate-npm-package-name';

/**
 * What a lockfile may call a package, whichever package manager wrote it. A name is handed to
 * the registry client, and a spec such as `github:a/b` or `http://host/x.tgz` where a name
 * belongs would make pacote clone (and prepare) or download whatever the change points at: only
 * npm's own names (old packages' looser rules included) pass.
 */

/** Names repeat across a lockfile (every dependent names its dependency): judge each once. */
const validNames = new Map<string, boolean>();

export function isPackageName(name: string): boolean {
  let valid = validNames.get(name);
  if (valid === undefined) {
    valid = validateName(name).validForOldPackages;
    validNames.set(name, valid);
  }
  return valid;
}

/** Keys that name JavaScript object machinery: no real package or folder needs them, attacks do. */
export const OBJECT_MEMBERS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The longest version, URL or integrity a lockfile field may hold. */
export const MAX_FIELD = 4096;

/** A version as lockfiles write one: no control characters, not absurdly long. */
export function isPlainField(value: string): boolean {
  return !hasControlChars(value) && value.length <= MAX_FIELD;
}

export function hasControlChars(s: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters in strangers' strings is the point
  return /[\u0000-\u001f\u007f-\u009f]/.test(s);
}

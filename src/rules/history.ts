import type { VersionFacts } from '../model.js';
import { compareVersions } from '../versions.js';

/**
 * What the rules that read a package's history agree on: when two accounts are the same, and
 * which release came first.
 */

/** npm account names and email addresses are compared without case. */
export function accountKey(nameOrEmail: string): string {
  return nameOrEmail.toLowerCase();
}

export function sameAccount(a: string, b: string): boolean {
  return accountKey(a) === accountKey(b);
}

/**
 * Release order: by publish time where both times are known, else by version (semver where both
 * parse). A registry without trustworthy times still has an order.
 */
export function releaseOrder(a: VersionFacts, b: VersionFacts): number {
  if (a.publishedAt !== undefined && b.publishedAt !== undefined) return a.publishedAt - b.publishedAt;
  return compareVersions(a.version, b.version);
}

/** `v` was released before `reference` (see releaseOrder). */
export function publishedBefore(v: VersionFacts, reference: VersionFacts): boolean {
  return releaseOrder(v, reference) < 0;
}

/** `@scope` of a scoped name; null for an unscoped one. */
export function scopeOf(name: string): string | null {
  return name.startsWith('@') && name.includes('/') ? name.slice(0, name.indexOf('/')) : null;
}

import { localOrGitSource, type LockedPackage } from '../diff/change.js';
import { defineRule, pass, type Draft } from './rule.js';
import type { Severity } from '../severity.js';
import { maxSeverity } from '../severity.js';

const STRENGTH: Record<string, number> = { sha1: 1, sha256: 2, sha384: 3, sha512: 4 };

export const sourceChanged = defineRule({
  id: 'source-changed',
  title: 'Lockfile tampering signals: an unexpected host, plain http, a git/tarball/file source, missing, weakened or changed integrity',
  defaultSeverity: 'high',
  needsMetadata: false,
  appliesTo: (change) => change.after !== null,
  check({ change, after: registryVersion, settings }) {
    const now = change.after!;
    const then = change.before;
    const problems: Array<{ severity: Severity; text: string; kind: string }> = [];
    const src = classify(now.resolved, settings.registryHosts);
    const oldSrc = then ? classify(then.resolved, settings.registryHosts) : null;
    const sameVersion = change.kind === 'source-changed';
    if (src.kind !== 'registry' && src.kind !== 'unknown' && (!oldSrc || oldSrc.kind !== src.kind || then!.resolved !== now.resolved)) {
      const severity: Severity = src.kind === 'foreign-host' || src.kind === 'http' ? (sameVersion ? 'high' : 'medium') : 'medium';
      problems.push({ severity, kind: src.kind, text: src.text });
    }
    const integrity = integrityProblem(then, now, sameVersion) ?? registryMismatch(now, registryVersion?.integrity);
    if (integrity) problems.push(integrity);
    if (problems.length === 0) return pass;
    const draft: Draft = {
      severity: problems.map((p) => p.severity).reduce(maxSeverity),
      traits: [],
      evidence: { problems: problems.map((p) => p.kind), resolved: now.resolved, previousResolved: then?.resolved ?? null, integrity: now.integrity, previousIntegrity: then?.integrity ?? null },
      message: problems.map((p) => p.text).join('; '),
    };
    return { findings: [draft] };
  },
});

function classify(resolved: string | null, hosts: ReadonlySet<string>): { kind: string; text: string } {
  if (!resolved) return { kind: 'unknown', text: '' };
  const local = localOrGitSource(resolved);
  if (local) return { kind: local, text: `${LOCAL_TEXT[local]} (${resolved})` };
  let url: URL;
  try {
    url = new URL(resolved);
  } catch {
    return { kind: 'unknown-scheme', text: `resolved is not a URL (${resolved})` };
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) return { kind: 'http', text: `downloaded over plain http (${resolved})` };
  if (!hosts.has(url.host)) return { kind: 'foreign-host', text: `resolved points to ${url.host}, which is not a configured registry` };
  if (!url.pathname.includes('/-/')) return { kind: 'tarball', text: `installed from a tarball URL, not a registry package (${resolved})` };
  return { kind: 'registry', text: '' };
}

const LOCAL_TEXT = { git: 'installed from git', file: 'installed from a local file', patch: 'installed with a local patch applied' } as const;

type Problem = { severity: Severity; kind: string; text: string };

/**
 * Against the previous lockfile: only the same version can be compared (a new version published
 * with an old npm legitimately carries only sha1).
 */
function integrityProblem(then: LockedPackage | null, now: LockedPackage, sameVersion: boolean): Problem | null {
  if (!now.integrity) {
    return now.resolved && !now.resolved.startsWith('file:') && !/^git/.test(now.resolved) ? { severity: 'medium', kind: 'integrity-missing', text: 'the lockfile entry has no integrity hash' } : null;
  }
  if (!sameVersion || !then?.integrity) return null;
  const a = algorithm(then.integrity);
  const b = algorithm(now.integrity);
  if ((STRENGTH[b] ?? 0) < (STRENGTH[a] ?? 0)) return { severity: 'high', kind: 'integrity-weakened', text: `integrity weakened from ${a} to ${b}` };
  if (sameVersion && a === b && !sameHash(then.integrity, now.integrity)) return { severity: 'high', kind: 'integrity-changed', text: `integrity changed for the same version ${now.version}: different bytes under the same name and version` };
  return null;
}

/** Against the registry: the lockfile must carry the registry's hash, at the registry's strength. */
function registryMismatch(now: LockedPackage, published: string | undefined): Problem | null {
  if (!published || !now.integrity) return null;
  const mine = algorithm(now.integrity);
  const theirs = algorithm(published);
  if ((STRENGTH[mine] ?? 0) < (STRENGTH[theirs] ?? 0)) return { severity: 'high', kind: 'integrity-weakened', text: `the lockfile carries a ${mine} hash where the registry publishes ${theirs} for ${now.version}` };
  if (mine === theirs && !sameHash(now.integrity, published)) return { severity: 'high', kind: 'integrity-mismatch', text: `the lockfile's integrity for ${now.version} differs from the registry's` };
  return null;
}

function algorithm(integrity: string): string {
  return integrity.split('-')[0] ?? '';
}

/** Integrity strings may list several hashes; any shared one means the same bytes. */
function sameHash(a: string, b: string): boolean {
  const set = new Set(a.split(/\s+/));
  return b.split(/\s+/).some((h) => set.has(h));
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}

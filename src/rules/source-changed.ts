import type { LockedPackage } from '../model.js';
import { localOrGitSource, TARBALL_DIR } from '../sources.js';
import { differentBytes, parseIntegrity, strength, strongest, type Hashes } from '../integrity.js';
import { defineRule, pass, type Draft } from './rule.js';
import { type Severity, maxSeverity } from '../severity.js';

type Problem = { severity: Severity; kind: string; text: string };

export const sourceChanged = defineRule({
  id: 'source-changed',
  title:
    "Lockfile tampering signals: an unexpected host, plain http, a git/tarball/file source, another package's tarball, missing, weakened, ambiguous or changed integrity",
  defaultSeverity: 'high',
  metadata: 'optional',
  appliesTo: (change) => change.after !== null,
  check({ change, after: registryVersion, settings, code }) {
    const now = change.after!;
    const then = change.before;
    const sameVersion = change.kind === 'source-changed';
    const problems: Problem[] = [];
    const add = (p: Problem | null): void => {
      if (p && !problems.some((q) => q.kind === p.kind)) problems.push(p);
    };
    add(sourceProblem(change.name, then, now, settings.registries));
    for (const p of integrityProblems(sameVersion ? then : null, now, registryVersion?.integrity)) add(p);
    if (sameVersion) add(dependencyProblem(then!, now));
    add(copiesProblem(now));
    // said once: a lockfile integrity already found wrong explains why the tarball does not match it
    if (code?.mismatch && !problems.some((p) => p.kind.startsWith('integrity')))
      add({
        severity: 'high',
        kind: 'tarball-integrity',
        text: `the registry's tarball of ${code.mismatch.version} does not match the lockfile's integrity (${code.mismatch.found.slice(0, 40)} found): what would install is not what was locked`,
      });
    if (problems.length === 0) return pass;
    const draft: Draft = {
      severity: problems.map((p) => p.severity).reduce(maxSeverity),
      traits: [],
      evidence: {
        problems: problems.map((p) => p.kind),
        resolved: now.resolved,
        previousResolved: then?.resolved ?? null,
        integrity: now.integrity,
        previousIntegrity: then?.integrity ?? null,
        locations: now.locations,
      },
      // where copies disagree, say which one this is
      message: `${now.otherCopies.length > 0 ? `at ${now.locations.join(', ')}: ` : ''}${problems.map((p) => p.text).join('; ')}`,
    };
    return { findings: [draft] };
  },
});

/** A source other than a registry tarball of this very name and version, unless the old entry had exactly the same one. */
function sourceProblem(name: string, then: LockedPackage | null, now: LockedPackage, registries: readonly string[]): Problem | null {
  const src = classify(name, now.version, now.resolved, registries);
  if (src.kind === 'registry' || src.kind === 'unknown') return null;
  if (then && then.resolved === now.resolved && classify(name, then.version, then.resolved, registries).kind === src.kind) return null;
  // A project's own patch of a registry package is code in the repository, reviewed with the change.
  return { severity: src.kind === 'patch' ? 'medium' : 'high', ...src };
}

function classify(name: string, version: string, resolved: string | null, registries: readonly string[]): { kind: string; text: string } {
  if (!resolved) return { kind: 'unknown', text: '' };
  const local = localOrGitSource(resolved);
  if (local) return { kind: local, text: `${LOCAL_TEXT[local]} (${resolved})` };
  let url: URL;
  try {
    url = new URL(resolved);
  } catch {
    return { kind: 'unknown-scheme', text: `resolved is not a URL (${resolved})` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { kind: 'unknown-scheme', text: `resolved is neither a registry URL nor a git or file source (${resolved})` };
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) return { kind: 'http', text: `downloaded over plain http (${resolved})` };
  const onHost = registries.map((r) => new URL(r)).filter((r) => r.host === url.host);
  if (onHost.length === 0) return { kind: 'foreign-host', text: `resolved points to ${url.host}, which is not a configured registry` };
  const prefix = onHost
    .map((r) => r.pathname)
    .filter((p) => url.pathname.startsWith(p))
    .reduce<string | null>((a, b) => (a === null || b.length > a.length ? b : a), null);
  if (prefix === null)
    return {
      kind: 'foreign-path',
      text: `resolved points to ${url.host}${url.pathname}, which is under no configured registry on ${url.host}`,
    };
  return tarballOf(name, version, url.pathname.slice(prefix.length), resolved);
}

/**
 * A registry serves `<name>/-/<basename>-<version>.tgz` (some, like Artifactory, name a scoped
 * package's file after its full name): another package's or another version's file means the
 * lockfile installs other code under this name and version.
 */
function tarballOf(name: string, version: string, path: string, resolved: string): { kind: string; text: string } {
  const at = path.indexOf(TARBALL_DIR);
  if (at < 0) return { kind: 'tarball', text: `installed from a tarball URL, not a registry package (${resolved})` };
  const owner = decode(path.slice(0, at));
  const file = decode(path.slice(at + TARBALL_DIR.length));
  const basename = name.slice(name.lastIndexOf('/') + 1);
  if (owner === name && (file === `${basename}-${version}.tgz` || file === `${name}-${version}.tgz`)) return { kind: 'registry', text: '' };
  const whose =
    owner === name ? `the tarball of another version of ${name} (${file ?? path})` : `a tarball of ${owner ?? 'an unreadable name'}`;
  return { kind: 'tarball-mismatch', text: `resolved is ${whose}, not of ${name}@${version} (${resolved})` };
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

const LOCAL_TEXT = {
  git: 'installed from git',
  file: 'installed from a local file',
  patch: 'installed with a local patch applied',
} as const;

/**
 * The hashes npm would verify the tarball with. Against the previous lockfile only for the same
 * version (a new version published with an old npm legitimately carries only sha1); against the
 * registry's `dist.integrity` when metadata is there.
 */
function integrityProblems(previous: LockedPackage | null, now: LockedPackage, published: string | undefined): Problem[] {
  if (!now.integrity) {
    if (previous?.integrity)
      return [
        {
          severity: 'high',
          kind: 'integrity-missing',
          text: `the integrity hash of ${now.version} was removed: npm would install whatever the URL serves`,
        },
      ];
    return now.resolved && localOrGitSource(now.resolved) === null
      ? [{ severity: 'medium', kind: 'integrity-missing', text: 'the lockfile entry has no integrity hash' }]
      : [];
  }
  const hashes = parseIntegrity(now.integrity);
  if (!hashes)
    return [{ severity: 'high', kind: 'integrity-invalid', text: `the integrity is not a hash npm can check (${now.integrity})` }];
  const before = previous?.integrity ? parseIntegrity(previous.integrity) : null;
  const registry = published ? parseIntegrity(published) : null;
  const problems: Problem[] = [...shapeProblems(hashes, before)];
  if (before)
    problems.push(
      ...compare(
        before,
        hashes,
        `integrity weakened from ${strongest(before)} to ${strongest(hashes)}`,
        `integrity changed for the same version ${now.version}: different bytes under the same name and version`,
      ),
    );
  if (registry)
    problems.push(
      ...compare(
        registry,
        hashes,
        `the lockfile carries a ${strongest(hashes)} hash where the registry publishes ${strongest(registry)} for ${now.version}`,
        `the lockfile's integrity for ${now.version} differs from the registry's`,
        'integrity-mismatch',
      ),
    );
  return problems;
}

/**
 * npm accepts a tarball that matches any one hash of the strongest algorithm listed: two hashes
 * of one algorithm let a second tarball pass, and a weaker one beside it serves tools that pick
 * differently. Both are tampering; the previous lockfile's own extra hashes are not "added".
 */
function shapeProblems(hashes: Hashes, previous: Hashes | null): Problem[] {
  const problems: Problem[] = [];
  for (const [algorithm, digests] of hashes) {
    if (digests.size > 1)
      problems.push({
        severity: 'high',
        kind: 'integrity-ambiguous',
        text: `the integrity lists ${digests.size} ${algorithm} hashes: npm accepts a tarball that matches any one of them`,
      });
  }
  const top = strongest(hashes);
  const weaker = [...hashes.keys()].filter((a) => strength(a) < strength(top) && !previous?.has(a));
  if (weaker.length)
    problems.push({ severity: 'high', kind: 'integrity-weak-added', text: `the integrity adds ${weaker.join(', ')} beside ${top}` });
  return problems;
}

function compare(reference: Hashes, hashes: Hashes, weakened: string, changed: string, changedKind = 'integrity-changed'): Problem[] {
  if (strength(strongest(hashes)) < strength(strongest(reference)))
    return [{ severity: 'high', kind: 'integrity-weakened', text: weakened }];
  return differentBytes(reference, hashes) ? [{ severity: 'high', kind: changedKind, text: changed }] : [];
}

/** A published version's dependencies never change: the same version's entry declaring others is a rewritten entry. */
function dependencyProblem(then: LockedPackage, now: LockedPackage): Problem | null {
  if (then.format !== now.format) return null;
  const added = Object.keys(now.dependencies).filter((n) => !Object.hasOwn(then.dependencies, n));
  const removed = Object.keys(then.dependencies).filter((n) => !Object.hasOwn(now.dependencies, n));
  if (added.length === 0 && removed.length === 0) return null;
  const list = [...added.sort().map((n) => `+${n}`), ...removed.sort().map((n) => `-${n}`)].join(', ');
  return {
    severity: 'high',
    kind: 'dependencies-changed',
    text: `the lockfile entry of the same version ${now.version} declares other dependencies (${list})`,
  };
}

/** One name and version is one tarball: copies of it in the same lockfile with different hashes are not all what the registry published. */
function copiesProblem(now: LockedPackage): Problem | null {
  const mine = now.integrity ? parseIntegrity(now.integrity) : null;
  if (!mine) return null;
  const others = now.otherCopies.filter((o) => {
    const theirs = o.integrity ? parseIntegrity(o.integrity) : null;
    return theirs !== null && differentBytes(mine, theirs);
  });
  if (others.length === 0) return null;
  const where = others.flatMap((o) => o.locations);
  return {
    severity: 'high',
    kind: 'copies-disagree',
    text: `another copy of ${now.version} in this lockfile (${where.slice(0, 3).join(', ')}${where.length > 3 ? ', …' : ''}) has a different integrity: one name and version cannot be two tarballs`,
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.') || host === '[::1]';
}

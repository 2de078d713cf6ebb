import type { PackageFacts } from './model.js';
import { accountKey, scopeOf } from './rules/history.js';
import type { PackageSummary, ScopeHistoryView, ScopeRelease } from './rules/rule.js';

/** At most this many distinct publishers are kept in a package's summary. */
const MAX_PUBLISHERS = 64;

/**
 * What one run learned across packages, for the rules that judge a package by more than its own
 * document: who publishes in a scope (npm scopes are access-controlled: only the scope's members
 * publish in it), and what the packages an update starts depending on are.
 */
export class ScopeHistory implements ScopeHistoryView {
  /** scope -> account -> package -> its earliest release by that account. */
  readonly #releases = new Map<string, Map<string, Map<string, ScopeRelease>>>();

  /** Records who published which release of a scoped package. */
  record(facts: PackageFacts): void {
    const scope = scopeOf(facts.name);
    if (scope === null) return;
    const accounts = this.#releases.get(scope) ?? new Map<string, Map<string, ScopeRelease>>();
    this.#releases.set(scope, accounts);
    for (const v of facts.versions.values()) {
      if (!v.publisher || v.publishedAt === undefined) continue;
      const key = accountKey(v.publisher.name);
      const packages = accounts.get(key) ?? new Map<string, ScopeRelease>();
      accounts.set(key, packages);
      const known = packages.get(facts.name);
      if (!known || v.publishedAt < known.publishedAt)
        packages.set(facts.name, { name: facts.name, version: v.version, publishedAt: v.publishedAt });
    }
  }

  /** The account's earliest release of another package of the same scope, among the documents this run read. */
  earliestElsewhere(name: string, account: string): ScopeRelease | undefined {
    const scope = scopeOf(name);
    if (scope === null) return undefined;
    const packages = this.#releases.get(scope)?.get(accountKey(account));
    let earliest: ScopeRelease | undefined;
    for (const release of packages?.values() ?? []) {
      if (release.name !== name && (!earliest || release.publishedAt < earliest.publishedAt)) earliest = release;
    }
    return earliest;
  }
}

/** A package in brief: when it was first published, by whom, who else published it, whether the base tree had it. */
export function summarise(facts: PackageFacts, inBaseTree: boolean): PackageSummary {
  const published = [...facts.versions.values()].filter((v) => v.publishedAt !== undefined).sort((a, b) => a.publishedAt! - b.publishedAt!);
  const first = published[0];
  const publishers = new Set<string>();
  for (const v of published) {
    if (v.publisher && publishers.size < MAX_PUBLISHERS) publishers.add(accountKey(v.publisher.name));
  }
  return {
    ...(facts.createdAt !== undefined ? { createdAt: facts.createdAt } : {}),
    ...(first?.publisher ? { firstPublisher: first.publisher.name } : {}),
    ...(facts.missing.publishers ? {} : { publishers: [...publishers] }),
    inBaseTree,
  };
}

import type { PolicyEdit } from '../config/load-policy.js';

/** What a change does to the project beside its packages: the facts the trust rules judge. */
export interface ProjectChange {
  /**
   * The lockfiles in the project folder on each side, when depguard chose them from a git base;
   * null when the user named the lockfile or there is no base revision.
   */
  readonly lockfiles: { readonly base: readonly string[]; readonly head: readonly string[] } | null;
  /** Where the change edits the policy (the edit was not applied: the base's policy was). */
  readonly policyEdits: readonly PolicyEdit[];
}

export const UNCHANGED_PROJECT: ProjectChange = { lockfiles: null, policyEdits: [] };

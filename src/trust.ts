import path from 'node:path';
import { loadPolicy, locatePolicy, policyEdits, policyOf, readPolicySide, type PolicyEdit } from './config/load-policy.js';
import type { Policy } from './config/policy.js';
import { readProjectFiles, type ProjectFiles } from './config/release-age.js';
import type { ProjectView } from './project-view.js';

/**
 * How a change is judged, and who decided it. The change under review controls the head
 * lockfile, package.json, the project's .npmrc and the policy file: that is what is judged, never
 * how. The policy, the cooldown, the registry and where credentials go come from the base
 * revision, the user (flags, ~/.npmrc, the environment) or the CI owner.
 */
export interface Judge {
  /** The base revision's policy (or the user's --config); with no base revision, the project's. */
  readonly policy: Policy;
  /** Where the change edits the policy: not applied, and reported (policy-changed). */
  readonly policyEdits: readonly PolicyEdit[];
  /** The project files that may name a registry or a cooldown, as far as they can be trusted. */
  readonly projectFiles: ProjectFiles;
  /** Whether the project .npmrc among them was checked against a base (see readRegistryConfig). */
  readonly npmrcChecked: boolean;
}

export interface JudgeSources {
  /** The project folder at the base revision; null when the base is no revision (two lockfile files, an audit). */
  readonly base: ProjectView | null;
  /** The project folder as the change has it (working tree, index or head revision). */
  readonly head: ProjectView;
  /** The project folder on disk. */
  readonly disk: ProjectView;
  /**
   * Whether git tracks a file of the project folder; null outside a repository. A file git does
   * not track is a developer's own (an .npmrc holding a token, often git-ignored): no change
   * under review brought it.
   */
  readonly tracked: ((name: string) => Promise<boolean>) | null;
  /** --config: the user's own choice, used as it is. */
  readonly explicitPolicy?: string;
  readonly ruleIds: readonly string[];
}

export async function judgeOf(sources: JudgeSources): Promise<Judge> {
  const { base, head, disk, tracked, explicitPolicy, ruleIds } = sources;
  const explicit = explicitPolicy === undefined ? undefined : loadPolicy(locatePolicy(path.dirname(explicitPolicy), explicitPolicy), ruleIds);
  const own = async (name: string): Promise<boolean> => tracked !== null && !(await tracked(name));
  if (base === null) {
    // nothing to check the project's files against: the policy is the one beside the lockfiles
    // the user pointed at, and an .npmrc that is not the developer's own may only bind
    // credentials (see readRegistryConfig)
    const projectFiles = await readProjectFiles((name) => disk.read(name));
    return { policy: explicit ?? policyOf(await readPolicySide(head), ruleIds), policyEdits: [], projectFiles, npmrcChecked: projectFiles['.npmrc'] !== null && (await own('.npmrc')) };
  }
  let policy = explicit;
  let edits: PolicyEdit[] = [];
  if (policy === undefined) {
    const [then, now] = await Promise.all([readPolicySide(base), readPolicySide(head)]);
    policy = policyOf(then, ruleIds);
    edits = policyEdits(then, now);
  }
  // a tracked file is read as the base had it, whatever the change did to it
  const projectFiles = await readProjectFiles(async (name) => ((await own(name)) ? disk.read(name) : base.read(name)));
  return { policy, policyEdits: edits, projectFiles, npmrcChecked: true };
}

import path from 'node:path';

export const LEFTHOOK_CONFIGS = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml'] as const;

/** What `depguard hook` needs to know about a repository. */
export interface RepoFacts {
  readonly top: string;
  readonly hooksDir: string;
  /** `.husky/` exists at the top. */
  readonly huskyDir: boolean;
  /** The lefthook configuration file at the top, if any. */
  readonly lefthookConfig: string | null;
}

/** A hook manager that owns the repository's hooks, and the file the user should edit instead. */
export interface HookManager {
  readonly name: 'husky' | 'lefthook';
  readonly file: string;
}

export function detectManagers(facts: RepoFacts): HookManager[] {
  const managers: HookManager[] = [];
  // husky 5 to 8 set core.hooksPath to .husky, husky 9 to .husky/_
  const huskyHooks = [path.join(facts.top, '.husky'), path.join(facts.top, '.husky', '_')];
  if (facts.huskyDir || huskyHooks.includes(facts.hooksDir)) managers.push({ name: 'husky', file: '.husky/pre-commit' });
  if (facts.lefthookConfig !== null) managers.push({ name: 'lefthook', file: facts.lefthookConfig });
  return managers;
}

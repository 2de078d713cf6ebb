import { isVersionChange } from '../model.js';
import { defineRule, pass, versionsMissing } from './rule.js';

export const repositoryChanged = defineRule({
  id: 'repository-changed',
  title: 'The source repository URL changed between the two versions',
  defaultSeverity: 'low',
  metadata: 'required',
  appliesTo: isVersionChange,
  check({ before, after }) {
    if (!before || !after) return versionsMissing;
    if (!before.repository || !after.repository) return pass;
    const a = normalizeRepository(before.repository);
    const b = normalizeRepository(after.repository);
    if (a === b) return pass;
    return {
      findings: [
        {
          traits: ['source:repository-changed'],
          evidence: { previous: before.repository, repository: after.repository },
          message: `repository changed from ${before.repository} to ${after.repository}`,
        },
      ],
    };
  },
});

/** git+https://github.com/A/b.git, git://github.com/a/b, github:a/b -> github.com/a/b */
export function normalizeRepository(url: string): string {
  let u = url.trim().toLowerCase();
  u = u
    .replace(/^github:/, 'github.com/')
    .replace(/^gitlab:/, 'gitlab.com/')
    .replace(/^bitbucket:/, 'bitbucket.org/');
  if (/^[\w.-]+\/[\w.-]+$/.test(u)) u = `github.com/${u}`;
  u = u
    .replace(/^git\+/, '')
    .replace(/^[a-z]+:\/\//, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^www\./, '');
  u = u.replace(/^([^/:]+):(?!\d)/, '$1/');
  return u
    .replace(/#.*$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
}

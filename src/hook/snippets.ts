import { LOCKFILE_NAMES } from '../lockfile/detect.js';
import type { HookManager } from './managers.js';
import { shellWords } from './shell-quote.js';

/**
 * What to add to a hook manager's configuration to run depguard on staged lockfiles at the top of
 * the repository. `npx --no-install` runs the project's own depguard and never downloads whatever
 * the registry serves under the name.
 */
export function managerSnippet(manager: HookManager, diffArgs: readonly string[]): string {
  const command = shellWords(['npx', '--no-install', 'depguard', 'diff', '--staged', ...diffArgs]);
  switch (manager.name) {
    case 'husky':
      // husky runs the file with sh -e: `a || b` fails the commit only when depguard does.
      return `git diff --cached --quiet --diff-filter=ACMR -- ${LOCKFILE_NAMES.join(' ')} || ${command}\n`;
    case 'lefthook':
      return [
        'pre-commit:',
        '  commands:',
        '    depguard:',
        `      glob: "{${LOCKFILE_NAMES.join(',')}}"`,
        `      run: ${yamlScalar(command)}`,
        '',
      ].join('\n');
  }
}

/** A plain YAML scalar when it cannot be misread, else a double-quoted one (JSON's syntax is valid YAML). */
function yamlScalar(text: string): string {
  return /^[A-Za-z0-9_./=@%+ -]+$/.test(text) ? text : JSON.stringify(text);
}

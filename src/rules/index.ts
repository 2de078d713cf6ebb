import { maintainersChanged } from './maintainers-changed.js';
import { newDependency } from './new-dependency.js';
import { newPackage } from './new-package.js';
import { publisherChanged } from './publisher-changed.js';
import type { Rule } from './rule.js';
import { versionJump } from './version-jump.js';

/** Every rule, in the order their findings are listed. */
export const RULES: readonly Rule[] = [publisherChanged, maintainersChanged, newDependency, newPackage, versionJump];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

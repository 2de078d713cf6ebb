import type { RuleInfo } from '../model.js';
import { codeCapabilities } from './code-capabilities.js';
import { installScriptAdded } from './install-script-added.js';
import { knownMalicious } from './known-malicious.js';
import { knownVulnerable } from './known-vulnerable.js';
import { lockfileChanged } from './lockfile-changed.js';
import { lockfileOutOfSync } from './lockfile-out-of-sync.js';
import { maintainersChanged } from './maintainers-changed.js';
import { newDependency } from './new-dependency.js';
import { newPackage } from './new-package.js';
import { policyChanged } from './policy-changed.js';
import { provenanceDropped } from './provenance-dropped.js';
import { publisherChanged } from './publisher-changed.js';
import { publisherHistory } from './publisher-history.js';
import { publisherIdentityChanged } from './publisher-identity-changed.js';
import { repositoryChanged } from './repository-changed.js';
import type { ProjectRule, Rule } from './rule.js';
import { sourceChanged } from './source-changed.js';
import { versionJump } from './version-jump.js';
import { versionUnpublished } from './version-unpublished.js';
import { youngPackage } from './young-package.js';
import { youngVersion } from './young-version.js';

/** Every rule about one package update, in the order their findings are listed. */
export const RULES: readonly Rule[] = [
  knownMalicious,
  knownVulnerable,
  publisherChanged,
  publisherHistory,
  publisherIdentityChanged,
  provenanceDropped,
  maintainersChanged,
  installScriptAdded,
  codeCapabilities,
  newDependency,
  newPackage,
  versionUnpublished,
  sourceChanged,
  repositoryChanged,
  versionJump,
  youngVersion,
  youngPackage,
];

/**
 * `depguard audit` judges a standing tree: everything is "new", so new-package says nothing
 * there; and it reads no code (the code stage reads what a change brings).
 */
export const AUDIT_RULES: readonly Rule[] = RULES.filter((r) => r !== newPackage && r !== codeCapabilities);

/** Rules about the project as a whole. */
export const PROJECT_RULES: readonly ProjectRule[] = [lockfileOutOfSync, lockfileChanged, policyChanged];

/** Every rule with its title, default severity and page, for `depguard rules`, policy validation and the reports. */
export const ALL_RULES: readonly RuleInfo[] = [...RULES, ...PROJECT_RULES].map(({ id, title, defaultSeverity, docs }) => ({
  id,
  title,
  defaultSeverity,
  docs,
}));

export const RULE_IDS: readonly string[] = ALL_RULES.map((r) => r.id);

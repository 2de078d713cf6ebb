/**
 * depguard as a library: `audit()` runs the pipeline the CLI runs and returns the result the CLI
 * reports (`--format json` prints `result` as it is); `why()` explains a package's paths;
 * `formatReport()` renders a result as the CLI would; `sbom()` makes the CycloneDX BOM that
 * `depguard sbom` prints; `preview()` judges what a package-manager command would lock, before it runs. Nothing here prints, exits or reads process.env: pass `env` in. Known
 * failures are DepguardErrors, each with the exit code the CLI gives it.
 */
export {
  audit,
  why,
  AUDIT_DEFAULTS,
  type AuditOptions,
  type AuditRun,
  type AuditLimits,
  type CacheOptions,
  type WhyOptions,
  type WhyResult,
} from './audit.js';
export { sbom, type SbomOptions, type SbomRun, type RegistryFactsOptions } from './sbom/sbom.js';
export type { RegistryFacts } from './sbom/registry-facts.js';
export { preview, type PreviewOptions, type PreviewRun } from './preview/preview.js';
export { describeCommand, parsePreviewCommand, type ManagerName, type PreviewCommand } from './preview/command.js';
export type { Env, PolicyChoice, SideSpec } from './trust.js';
export { SCHEMA_VERSION, type DiffResult, type ChangeRecord } from './result.js';
export type { Explanation } from './diff/explain.js';
export type { RuleCoverage } from './engine.js';
export type { MetadataClient } from './registry/client.js';
export type { AdvisorySource } from './registry/advisory-client.js';
export type {
  Advisory,
  AdvisorySeverity,
  AdvisoryView,
  Finding,
  PackageFinding,
  ProjectFinding,
  Location,
  PackageRef,
  RegistryField,
  Skipped,
  Suppressed,
  Unavailable,
  PathStep,
  Snapshot,
  PackageNode,
  IgnoreEntry,
  PackageFacts,
  VersionFacts,
  Person,
  Publisher,
  RuleInfo,
} from './model.js';
export { SEVERITIES, type Severity } from './severity.js';
export { ALL_RULES, RULE_IDS } from './rules/index.js';
export { formatReport, FORMATS, type Format, type ReportContext } from './report/index.js';
export {
  DepguardError,
  UsageError,
  LockfileError,
  GitError,
  ConfigError,
  RegistryError,
  FileError,
  UnfetchableNameError,
  InterruptedError,
} from './errors.js';

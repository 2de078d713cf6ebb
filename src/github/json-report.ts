import { UsageError } from '../errors.js';
import { readRegularFile } from '../files.js';
import { type DiffResult, SCHEMA_VERSION } from '../result.js';
import { isSeverity } from '../severity.js';

/** JSON reports of large audits run to tens of MB. */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/**
 * A report `depguard diff --format json` (or `--json-file`) wrote, read back as the result it
 * was made from. Its shape is checked as far as the reporters read it, so a file that is not
 * such a report is a one-line error, not a crash halfway through.
 */
export function readJsonReport(file: string): DiffResult {
  const text = readRegularFile(file, { maxBytes: MAX_REPORT_BYTES, label: file });
  if (text === null) throw new UsageError(`${file}: no such file`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${file}: not JSON`);
  }
  const problem = reportProblem(value);
  if (problem !== null) throw new UsageError(`${file}: not a depguard JSON report of schema version ${SCHEMA_VERSION} (${problem})`);
  return value as DiffResult;
}

type Check = (value: unknown) => boolean;

const str: Check = (v) => typeof v === 'string';
const num: Check = (v) => typeof v === 'number';
const bool: Check = (v) => typeof v === 'boolean';
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const listOf =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);
const object = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shape =
  (fields: Readonly<Record<string, Check>>): Check =>
  (v) =>
    object(v) && Object.entries(fields).every(([key, check]) => check(v[key]));

const packageRef = shape({ name: str, version: str });
const location = shape({ file: str, line: num });
const finding: Check = (v) =>
  shape({ ruleId: str, severity: isSeverity, package: packageRef, message: str, location })(v) &&
  ((v as { kind: unknown }).kind === 'project' ||
    ((v as { kind: unknown }).kind === 'package' &&
      shape({
        change: str,
        previousVersion: nullable(str),
        direct: bool,
        dev: bool,
        paths: listOf(listOf(packageRef)),
        escalation: optional(shape({ from: str, reason: str })),
      })(v)));
const ignore = shape({
  package: str,
  version: str,
  reason: str,
  rule: optional(str),
  rules: optional(listOf(str)),
  expires: optional(str),
  approvedBy: optional(str),
});

const FIELDS: Readonly<Record<string, Check>> = {
  command: (v) => v === 'diff' || v === 'audit',
  base: str,
  head: str,
  summary: shape({ changes: object }),
  changes: Array.isArray,
  findings: listOf(finding),
  suppressed: listOf(shape({ finding, ignore })),
  expiredIgnores: listOf(ignore),
  skipped: listOf(shape({ ruleId: str, reason: str, package: packageRef })),
  unavailable: listOf(shape({ package: packageRef, reason: str, location })),
  policy: shape({ source: nullable(str), changedByThisChange: bool }),
  code: shape({ checked: bool, reason: optional(str) }),
  rules: Array.isArray,
};

/** The first thing wrong with it, or null. */
function reportProblem(value: unknown): string | null {
  if (!object(value)) return 'not an object';
  if (value.schemaVersion !== SCHEMA_VERSION) return `schemaVersion ${JSON.stringify(value.schemaVersion)}`;
  const wrong = Object.entries(FIELDS).find(([key, check]) => !check(value[key]));
  return wrong ? `'${wrong[0]}' is missing or malformed` : null;
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/report/sarif.js';
import { ROOT } from '../helpers/cli.js';
import { finding, lockfileWith, resultWith } from '../helpers/result.js';

/** The part of ajv v8 this test uses. */
interface ValidateFunction {
  (data: unknown): boolean;
  errors?: unknown;
}
interface Ajv {
  addFormat(name: string, validate: (value: string) => boolean): Ajv;
  compile(schema: object): ValidateFunction;
}
type AjvConstructor = new (options: { strict: boolean; allErrors: boolean }) => Ajv;

/**
 * ajv v8 (a devDependency) checks the output against the official schema. Loaded by name at run
 * time so that the suite still type-checks and runs where it is not installed yet; there the test
 * is reported as skipped, with the reason in its name.
 */
async function loadAjv(): Promise<AjvConstructor | null> {
  const name = 'ajv';
  try {
    return ((await import(name)) as { default: AjvConstructor }).default;
  } catch {
    return null;
  }
}

const AjvClass = await loadAjv();
const schema = JSON.parse(readFileSync(path.join(ROOT, 'test', 'data', 'sarif-schema-2.1.0.json'), 'utf8')) as object;

describe('SARIF output against the official SARIF 2.1.0 schema', () => {
  it('ships the official draft-07 schema as test data', () => {
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', properties: { version: { enum: ['2.1.0'] } } });
  });

  it.skipIf(AjvClass === null)(`validates${AjvClass ? '' : ' (skipped: ajv is not installed; add ajv@^8 to devDependencies)'}`, () => {
    const ajv = new AjvClass!({ strict: false, allErrors: true })
      .addFormat('uri', (s) => /^[a-z][a-z0-9+.-]*:/i.test(s) && URL.canParse(s))
      .addFormat('uri-reference', (s) => !/\s/.test(s) && URL.canParse(s, 'file:///'))
      .addFormat('date-time', (s) => !Number.isNaN(Date.parse(s)));
    const validate = ajv.compile(schema);
    const lockfileText = lockfileWith([['a', '1.0.0']]);
    const logs = [
      resultWith([]),
      resultWith([
        finding('a', '1.0.0', { ruleId: 'publisher-changed', severity: 'critical', previousVersion: '0.1.0', change: 'upgraded', escalation: { combination: 'x', from: 'medium', reason: 'y' } }),
        finding('<img src=x>', '1.0.0\n::error::', { message: '[click](javascript:alert(1)) \u001b[31m' }),
      ]),
    ].map((result) => JSON.parse(formatSarif(result, { lockfilePath: 'sub dir/package-lock.json', lockfileText, toolVersion: '0.1.0' })) as unknown);
    for (const log of logs) {
      const valid = validate(log);
      expect(validate.errors ?? null, JSON.stringify(validate.errors, null, 2)).toBeNull();
      expect(valid).toBe(true);
    }
  });
});

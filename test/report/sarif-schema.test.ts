import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/report/sarif.js';
import { ROOT } from '../helpers/cli.js';
import { finding, resultWith, unavailable } from '../helpers/result.js';

const schema = JSON.parse(readFileSync(path.join(ROOT, 'test', 'data', 'sarif-schema-2.1.0.json'), 'utf8')) as object;

describe('SARIF output against the official SARIF 2.1.0 schema', () => {
  it('ships the official draft-07 schema as test data', () => {
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', properties: { version: { enum: ['2.1.0'] } } });
  });

  it('validates, and line numbers and escapes do not break it', () => {
    const ajv = new Ajv.default({ strict: false, allErrors: true })
      .addFormat('uri', (s) => /^[a-z][a-z0-9+.-]*:/i.test(s) && URL.canParse(s))
      .addFormat('uri-reference', (s) => !/\s/.test(s) && URL.canParse(s, 'file:///'))
      .addFormat('date-time', (s) => !Number.isNaN(Date.parse(s)));
    const validate = ajv.compile(schema);
    const logs = [
      resultWith([]),
      resultWith([
        finding('a', '1.0.0', {
          ruleId: 'publisher-changed',
          severity: 'critical',
          previousVersion: '0.1.0',
          change: 'upgraded',
          escalation: { combination: 'x', from: 'medium', reason: 'y' },
          location: { file: 'sub dir/package-lock.json', line: 7 },
        }),
        finding('<img src=x>', '1.0.0\n::error::', {
          message: '[click](javascript:alert(1)) \u001b[31m',
          location: { file: 'sub dir/#1?/package-lock.json', line: 1 },
        }),
      ]),
      {
        ...resultWith([], {
          skipped: [{ ruleId: 'publisher-changed', package: { name: 'x', version: '1.0.0' }, reason: 'no versions\n<b>' }],
          unavailable: [unavailable('y', '1.0.0', 'timed out', { file: 'sub dir/package-lock.json', line: 3 })],
        }),
        code: { checked: false, reason: 'off' },
      },
    ].map((result) => JSON.parse(formatSarif(result, { toolVersion: '0.1.0' })) as unknown);
    for (const log of logs) {
      const valid = validate(log);
      expect(validate.errors ?? null, JSON.stringify(validate.errors, null, 2)).toBeNull();
      expect(valid).toBe(true);
    }
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIFF_OPTIONS } from '../src/cli/options.js';
import { FORMATS } from '../src/report/index.js';
import { ALL_RULES } from '../src/rules/index.js';
import { ROOT } from './helpers/cli.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('README', () => {
  it('documents every flag of depguard diff', () => {
    for (const option of DIFF_OPTIONS) {
      const flag = option.flags.split(' ')[0]!;
      expect(readme, flag).toContain(`| \`${option.flags.replace('|', '\\|')}\``);
    }
  });

  it('describes every output format', () => {
    for (const format of FORMATS) expect(readme, format).toContain(`| \`${format}\` |`);
  });

  it('lists every rule, each with a doc page', () => {
    for (const rule of ALL_RULES) {
      expect(readme).toContain(`[\`${rule.id}\`](docs/rules/${rule.id}.md)`);
      expect(readme).toContain(`| ${rule.defaultSeverity} |`);
      expect(() => readFileSync(path.join(ROOT, 'docs', 'rules', `${rule.id}.md`))).not.toThrow();
    }
  });

  it('names the two commands a newcomer runs, and they exist', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(readme).toContain('npm ci && npm run example');
    expect(readme).toContain('npm test');
    expect(pkg.scripts.example).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
  });
});

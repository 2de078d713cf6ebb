import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_RULES, RULES } from '../src/rules/index.js';
import { ROOT } from './helpers/cli.js';

/** Every module `dir` imports (static and dynamic), as paths from src/ or package names. */
function importsOf(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of readdirSync(path.join(ROOT, 'src', dir)).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(path.join(ROOT, 'src', dir, file), 'utf8');
    const specs = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)].map(
      (m) => m[1] ?? m[2]!,
    );
    out.set(
      `${dir}/${file}`,
      specs.map((s) => (s.startsWith('.') ? path.posix.normalize(path.posix.join(dir, s)).replace(/\.js$/, '') : s)),
    );
  }
  return out;
}

function offending(dir: string, allowed: (spec: string) => boolean): string[] {
  return [...importsOf(dir)].flatMap(([file, specs]) => specs.filter((s) => !allowed(s)).map((s) => `${file} imports ${s}`));
}

describe('layers: who may import what', () => {
  it('src/report depends only on the result: the model, severities and its own files, nothing of rules, lockfiles, the registry or the diff', () => {
    const allowed = (s: string): boolean =>
      s === 'result' ||
      s === 'model' ||
      s === 'severity' ||
      s === 'home' /* depguard's own URL, a constant */ ||
      s.startsWith('report/') ||
      s === 'chalk' ||
      s.startsWith('node:');
    expect(offending('report', allowed)).toEqual([]);
  });

  it('src/rules are pure: the model and small helpers, never a loader, the registry, the diff, the engine, a report or I/O', () => {
    const allowed = (s: string): boolean =>
      s.startsWith('rules/') ||
      ['model', 'severity', 'sources', 'integrity', 'versions', 'duration', 'semver', 'home'].includes(s) ||
      s === 'config/load-policy' /* the PolicyEdit type project rules read */ ||
      s === 'code/model' ||
      s === 'code/compare' /* what the code stage found, as plain data, and its pure comparison */;
    expect(offending('rules', allowed)).toEqual([]);
  });

  it('every rule has its tests in test/rules/<id>.test.ts, written with the rule tester', () => {
    const missing = [...RULES, ...PROJECT_RULES]
      .map((r) => r.id)
      .filter((id) => {
        try {
          return !/ruleTester\.run(Project)?\(/.test(readFileSync(path.join(ROOT, 'test', 'rules', `${id}.test.ts`), 'utf8'));
        } catch {
          return true;
        }
      });
    expect(missing).toEqual([]);
  });
});

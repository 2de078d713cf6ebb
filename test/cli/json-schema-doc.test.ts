import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { SCHEMA_VERSION } from '../../src/result.js';
import { fixture, ROOT, runCli } from '../helpers/cli.js';

/** A field of the README's schema: its name, whether it may be absent, and what it holds when the README says. */
interface Field {
  readonly name: string;
  readonly optional: boolean;
  /** An object's fields, or the fields of each object in a list; undefined for a value the README does not break down. */
  readonly fields?: readonly Field[];
  readonly list: boolean;
}

/** Reads the README's `{ a, b?: { c }, d: [{ e }] }` notation. */
function parseSchema(text: string): Field[] {
  const tokens = text.match(/[{}[\],:]|[\w?-]+/g) ?? [];
  let at = 0;
  const next = (): string => tokens[at++] ?? '';
  const expectToken = (t: string): void => {
    const got = next();
    if (got !== t) throw new Error(`README schema: expected '${t}', found '${got}' (token ${at})`);
  };
  const object = (): Field[] => {
    expectToken('{');
    const fields: Field[] = [];
    for (;;) {
      const key = next();
      const name = key.replace(/\?$/, '');
      const optional = key.endsWith('?');
      if (tokens[at] === ':') {
        at++;
        if (tokens[at] === '[') {
          at++;
          fields.push({ name, optional, list: true, fields: object() });
          expectToken(']');
        } else fields.push({ name, optional, list: false, fields: object() });
      } else fields.push({ name, optional, list: false });
      const sep = next();
      if (sep === '}') return fields;
      if (sep !== ',') throw new Error(`README schema: expected ',' or '}' after ${name}, found '${sep}'`);
    }
  };
  return object();
}

/** Every way `value` differs from what the README says of it: a field missing, or one the README does not name. */
function differences(fields: readonly Field[], value: Record<string, unknown>, where: string): string[] {
  const out: string[] = [];
  for (const key of Object.keys(value)) if (!fields.some((f) => f.name === key)) out.push(`${where}.${key} is not in the README`);
  for (const field of fields) {
    const v = value[field.name];
    if (v === undefined) {
      if (!field.optional) out.push(`${where}.${field.name} is missing from the output`);
      continue;
    }
    if (!field.fields || v === null) continue;
    const items = field.list ? (v as Record<string, unknown>[]) : [v as Record<string, unknown>];
    items.forEach((item, i) => {
      out.push(...differences(field.fields!, item, `${where}.${field.name}${field.list ? `[${i}]` : ''}`));
    });
  }
  return out;
}

let registry: Registry;
beforeAll(async () => {
  // flatmap-stream's document and every tarball are missing: a package not checked and a check not made
  registry = await startRegistry(fixture('event-stream', 'registry'), {
    fault: (_req: unknown, url: URL) => (url.pathname === '/flatmap-stream' || url.pathname.endsWith('.tgz') ? 404 : undefined),
  });
});
afterAll(() => registry.close());

describe("the README's JSON schema", () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## JSON output\n')[1]!;
  const block = section.match(/```\n([\s\S]*?)```/)![1]!;

  it('names the schema version the code writes', () => {
    expect(section).toContain(`\`schemaVersion: ${SCHEMA_VERSION}\``);
  });

  it('lists every field the JSON output has, suppressed, expiredIgnores and policy included, and nothing else', async () => {
    const schema = parseSchema(block);
    expect(schema.map((f) => f.name)).toEqual(
      expect.arrayContaining(['suppressed', 'expiredIgnores', 'policy', 'skipped', 'unavailable', 'code']),
    );
    const dir = mkdtempSync(path.join(os.tmpdir(), 'json-doc-'));
    const integrity = JSON.parse(readFileSync(fixture('event-stream', 'head', 'package-lock.json'), 'utf8')).packages[
      'node_modules/event-stream'
    ].integrity;
    // an approval as depguard approve writes it, a hand-written entry, and one that has expired
    writeFileSync(
      path.join(dir, 'policy.json'),
      JSON.stringify({
        ignore: [
          {
            package: 'event-stream',
            version: '3.3.6',
            rules: ['publisher-changed'],
            integrity,
            reason: 'reviewed',
            expires: '2099-01-01',
            approvedBy: 'Ann <ann@example.com>',
            approvedAt: '2026-01-01T00:00:00.000Z',
          },
          { package: 'event-stream', rule: 'version-jump', reason: 'dormant, known' },
          { package: 'flatmap-stream', version: '*', rule: '*', reason: 'old', expires: '2001-01-01' },
        ],
      }),
    );
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'base', 'package-lock.json'),
      '--head',
      fixture('event-stream', 'head', 'package-lock.json'),
      '--registry',
      registry.url,
      '--config',
      path.join(dir, 'policy.json'),
      '--format',
      'json',
    ]);
    const out = JSON.parse(r.stdout);
    // every part of the document is there to compare
    for (const key of ['findings', 'suppressed', 'expiredIgnores', 'skipped', 'unavailable'])
      expect(out[key].length, key).toBeGreaterThan(0);
    expect(out.suppressed.map((s: { ignore: { rule?: string; rules?: string[] } }) => s.ignore.rule ?? s.ignore.rules)).toEqual([
      ['publisher-changed'],
      'version-jump',
    ]);
    expect(out.policy).toEqual({
      source: path.join(dir, 'policy.json'),
      minReleaseAge: '3d',
      minReleaseAgeSource: 'depguard default',
      changedByThisChange: false,
    });
    expect(differences(schema, out, 'output')).toEqual([]);
  }, 60_000);
});

import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildPackument, loadDocuments, type Packument } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from './cli.js';

/**
 * Hand edits to the real event-stream lockfiles, as a change under review would make them.
 * `a@1.0.0` is an ordinary package that sorts before event-stream, under which a decoy copy
 * hides: the copy a reader (or a diff looking at the first copy) sees.
 */

/** Other bytes than any published event-stream tarball. */
export const EVIL_INTEGRITY = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
export const EVIL_URL = 'https://evil.example/event-stream/-/event-stream-3.3.6.tgz';

const A_DOC = buildPackument({
  name: 'a',
  versions: [
    {
      version: '1.0.0',
      time: '2015-03-01T00:00:00.000Z',
      publisher: { name: 'bob', email: 'bob@users.example' },
      maintainers: [{ name: 'bob', email: 'bob@users.example' }],
      dependencies: { 'event-stream': '^3.3.0' },
    },
  ],
});
const A_DIST = A_DOC.versions['1.0.0'].dist as { integrity: string; tarball: string; shasum: string };

/** The event-stream documents, plus `a`; `mirror` strips publishers, maintainers and times, so only lockfile checks can fire. */
export function documents(options: { mirror?: boolean } = {}): Map<string, Packument> {
  const docs = loadDocuments(fixture('event-stream', 'registry'));
  docs.set('a', A_DOC);
  if (!options.mirror) return docs;
  for (const doc of docs.values()) {
    delete doc.maintainers;
    doc.time = Object.fromEntries(Object.keys(doc.versions).map((v) => [v, '2025-10-03T05:02:10.381000+00:00']));
    for (const v of Object.values(doc.versions) as Packument[]) {
      delete v._npmUser;
      delete v.maintainers;
    }
  }
  return docs;
}

/** A copy of a fixture directory (lockfile and package.json) to edit. */
export function project(...parts: string[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'attack-'));
  cpSync(fixture(...parts), dir, { recursive: true });
  return dir;
}

export function editJson(file: string, edit: (json: Record<string, any>) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}

export function editText(file: string, edit: (text: string) => string): void {
  const text = readFileSync(file, 'utf8');
  const out = edit(text);
  if (out === text) throw new Error(`the edit changed nothing in ${file}`);
  writeFileSync(file, out);
}

/** package-lock.json: `a` with a copy of event-stream's entry nested under it (the decoy), the hoisted entry left for the caller to swap. */
export function npmDecoy(lock: Record<string, any>): void {
  const hoisted = lock.packages['node_modules/event-stream'];
  lock.packages[''].dependencies.a = '^1.0.0';
  lock.packages['node_modules/a'] = {
    version: '1.0.0',
    resolved: A_DIST.tarball,
    integrity: A_DIST.integrity,
    license: 'MIT',
    dependencies: { 'event-stream': '^3.3.0' },
  };
  lock.packages['node_modules/a/node_modules/event-stream'] = structuredClone(hoisted);
  lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

/**
 * yarn.lock v1: `a`, requesting event-stream@^3.3.0, which a second entry for the same version
 * satisfies: the decoy, an unchanged copy that sorts first. `swap` edits the entry the project
 * itself installs.
 */
export function yarnDecoy(text: string, swap: (entry: string) => string): string {
  const entry = /\nevent-stream@3\.3\.6:\n(?: {2}.*\n)+/.exec(text)![0].slice(1);
  const decoy = entry.replace('event-stream@3.3.6:', 'event-stream@^3.3.0:');
  const a = `a@^1.0.0:\n  version "1.0.0"\n  resolved "${A_DIST.tarball}#${A_DIST.shasum}"\n  integrity ${A_DIST.integrity}\n  dependencies:\n    event-stream "^3.3.0"\n\n`;
  return text.replace(/\n\nduplexer@/, `\n\n${a}duplexer@`).replace(entry, `${swap(entry)}\n${decoy}`);
}

export function addDependencyA(packageJson: string): void {
  editJson(packageJson, (pkg) => (pkg.dependencies.a = '^1.0.0'));
}

export interface Finding {
  ruleId: string;
  severity: string;
  package: { name: string; version: string };
  message: string;
  evidence: Record<string, unknown>;
}

export interface Report {
  code: number | null;
  stderr: string;
  findings: Finding[];
  suppressed: Array<{ finding: Finding }>;
  changes: Array<{ kind: string; name: string; version: string | null; integrity: string | null }>;
}

/** `depguard diff --format json`, parsed. */
export async function diffJson(args: string[], cwd?: string): Promise<Report> {
  const r = await runCli(['diff', '--format', 'json', ...args], cwd ? { cwd } : {});
  if (r.stdout === '') return { code: r.code, stderr: r.stderr, findings: [], suppressed: [], changes: [] };
  const out = JSON.parse(r.stdout);
  return { code: r.code, stderr: r.stderr, findings: out.findings, suppressed: out.suppressed, changes: out.changes };
}

export function findingsOf(report: Report, name: string, ruleId?: string): Finding[] {
  return report.findings.filter((f) => f.package.name === name && (ruleId === undefined || f.ruleId === ruleId));
}

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { UnfetchableNameError } from '../../src/errors.js';
import { PacoteClient } from '../../src/registry/pacote-client.js';
import { fixture, runCli } from '../helpers/cli.js';

/**
 * A lockfile's package names go to the registry client, and pacote fetches whatever spec it is
 * given: a git spec is cloned and prepared (its `prepare` script runs), a URL is downloaded from
 * any host. Whatever position the name holds (a package's own name, a dependency's installed-as
 * name), a lockfile naming something other than a registry package is refused before anything
 * is fetched.
 */

let registry: Registry;
let attacker: Registry;
/** A folder whose package.json would leave a marker if anything ran its scripts. */
let evilDir: string;
let marker: string;

beforeAll(async () => {
  registry = await startRegistry(loadDocuments(fixture('event-stream', 'registry')));
  // stands in for any other host a name could point at: it must never be asked anything
  attacker = await startRegistry(new Map());
  evilDir = mkdtempSync(path.join(os.tmpdir(), 'evil-package-'));
  marker = path.join(evilDir, 'PWNED');
  const script = `node -e "require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')"`;
  writeFileSync(
    path.join(evilDir, 'package.json'),
    JSON.stringify({
      name: 'evil',
      version: '1.0.0',
      scripts: { prepare: script, preinstall: script, install: script, postinstall: script },
    }),
  );
});

const made: string[] = [];
afterAll(async () => {
  await registry.close();
  await attacker.close();
  for (const dir of [...made, evilDir]) rmSync(dir, { recursive: true, force: true });
});

function attackerUrl(file: string): string {
  return new URL(file, attacker.url).href;
}

/** The event-stream head of `format`, copied to a temporary folder with its lockfile rewritten. */
function headWith(format: string, lockfile: string, mutate: (text: string) => string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `names-${format}-`));
  made.push(dir);
  cpSync(fixture('event-stream', format, 'head'), dir, { recursive: true });
  const file = path.join(dir, lockfile);
  const before = readFileSync(file, 'utf8');
  const after = mutate(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
  return file;
}

interface Case {
  readonly what: string;
  readonly format: string;
  readonly lockfile: string;
  readonly mutate: () => (text: string) => string;
  readonly message: () => RegExp;
}

const cases: Case[] = [
  {
    what: 'pnpm: a package key naming a URL on another host',
    format: 'pnpm',
    lockfile: 'pnpm-lock.yaml',
    mutate: () => (t) => {
      const key = `'${attackerUrl('x.tgz')}@1.0.0'`;
      return t
        .replace('packages:\n\n', `packages:\n\n  ${key}:\n    resolution: {integrity: sha512-AAAA}\n\n`)
        .replace('snapshots:\n\n', `snapshots:\n\n  ${key}: {}\n\n`);
    },
    message: () =>
      new RegExp(
        `package "${escapeRegExp(attackerUrl('x.tgz'))}@1\\.0\\.0" names an invalid package "${escapeRegExp(attackerUrl('x.tgz'))}"`,
      ),
  },
  {
    what: 'pnpm: a dependency installed under a name that is a git URL',
    format: 'pnpm',
    lockfile: 'pnpm-lock.yaml',
    mutate: () => (t) =>
      t.replace(
        '    dependencies:\n      duplexer: 0.1.1\n',
        `    dependencies:\n      duplexer: 0.1.1\n      'git+${attackerUrl('evil.git')}': 1.0.0\n`,
      ),
    message: () =>
      new RegExp(`package "event-stream@3\\.3\\.6" depends on an invalid package name "git\\+${escapeRegExp(attackerUrl('evil.git'))}"`),
  },
  {
    what: 'pnpm: a package key naming a folder with install scripts',
    format: 'pnpm',
    lockfile: 'pnpm-lock.yaml',
    mutate: () => (t) => {
      const key = `'file:${evilDir}@1.0.0'`;
      return t
        .replace('packages:\n\n', `packages:\n\n  ${key}:\n    resolution: {integrity: sha512-AAAA}\n\n`)
        .replace('snapshots:\n\n', `snapshots:\n\n  ${key}: {}\n\n`);
    },
    message: () => /names an invalid package "file:/,
  },
  {
    what: 'Yarn classic: an entry whose name is a git URL',
    format: 'yarn-classic',
    lockfile: 'yarn.lock',
    mutate: () => (t) =>
      `${t}\n"git+${attackerUrl('evil.git')}@^1.0.0":\n  version "1.0.0"\n  resolved "git+${attackerUrl('evil.git')}#0123456789abcdef0123456789abcdef01234567"\n`,
    message: () => new RegExp(`names an invalid package "git\\+${escapeRegExp(attackerUrl('evil.git'))}"`),
  },
  {
    what: 'Yarn Berry: a resolution whose name is a URL on another host',
    format: 'yarn-berry',
    lockfile: 'yarn.lock',
    mutate: () => (t) =>
      `${t}\n"evil@npm:1.0.0":\n  version: 1.0.0\n  resolution: "${attackerUrl('x.tgz')}@npm:1.0.0"\n  languageName: node\n  linkType: hard\n`,
    message: () => new RegExp(`names an invalid package "${escapeRegExp(attackerUrl('x.tgz'))}"`),
  },
  {
    what: 'Bun: the root workspace depends on a package installed under a GitHub spec',
    format: 'bun',
    lockfile: 'bun.lock',
    mutate: () => (t) => t.replace('"event-stream": "3.3.6",', '"event-stream": "3.3.6", "github:attacker/repo#0123456": "1.0.0",'),
    message: () => /importer "\." depends on an invalid package name "github:attacker\/repo#0123456"/,
  },
  {
    what: 'Bun: a version with terminal escapes',
    format: 'bun',
    lockfile: 'bun.lock',
    mutate: () => (t) =>
      t.replace('"packages": {', `"packages": {\n    "evil": ["evil@1.0.0\\u001b[2J\\u001b[32mPASS", "", {}, "sha512-AAAA"],`),
    message: () => /package "evil" has a version with control characters or too long: "1\.0\.0\\u001b\[2J/,
  },
  {
    what: 'Bun: a packages key "__proto__" (a parser would make it a prototype, and the package vanish)',
    format: 'bun',
    lockfile: 'bun.lock',
    mutate: () => (t) => t.replace('"packages": {', `"packages": {\n    "__proto__": ["evil@1.0.0", "", {}, "sha512-AAAA"],`),
    message: () => /uses the reserved JavaScript name "__proto__" as a key/,
  },
  {
    what: 'Bun: a dependency named "__proto__"',
    format: 'bun',
    lockfile: 'bun.lock',
    mutate: () => (t) => t.replace('"event-stream": "3.3.6",', '"event-stream": "3.3.6", "__proto__": "1.0.0",'),
    message: () => /uses the reserved JavaScript name "__proto__" as a key/,
  },
];

describe('names that are not registry package names: refused before anything is fetched', () => {
  for (const c of cases) {
    it(c.what, async () => {
      const before = { registry: registry.requests.length, attacker: attacker.requests.length };
      const head = headWith(c.format, c.lockfile, c.mutate());
      const base = fixture('event-stream', c.format, 'base', c.lockfile);
      const r = await runCli(['diff', '--base', base, '--head', head, '--registry', registry.url]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^depguard: ${escapeRegExp(head)}: `));
      expect(r.stderr).toMatch(c.message());
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toContain('\u001b');
      expect(attacker.requests.length).toBe(before.attacker);
      expect(registry.requests.length).toBe(before.registry);
      expect(existsSync(marker)).toBe(false);
    });
  }

  it('a valid name with a git source is still read (and reported, never fetched)', async () => {
    const head = headWith('pnpm', 'pnpm-lock.yaml', (t) =>
      t
        .replace(
          'packages:\n\n',
          `packages:\n\n  evil@1.0.0:\n    resolution: {type: git, repo: '${attackerUrl('evil.git')}', commit: 0123456789abcdef0123456789abcdef01234567}\n    version: 1.0.0\n\n`,
        )
        .replace('snapshots:\n\n', 'snapshots:\n\n  evil@1.0.0: {}\n\n'),
    );
    const before = { registry: registry.requests.length, attacker: attacker.requests.length };
    const r = await runCli([
      'diff',
      '--base',
      fixture('event-stream', 'pnpm', 'base', 'pnpm-lock.yaml'),
      '--head',
      head,
      '--registry',
      registry.url,
      '--format',
      'json',
    ]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { findings: Array<{ package: { name: string } }> };
    expect(out.findings.map((f) => f.package.name)).toContain('evil');
    expect(attacker.requests.length).toBe(before.attacker);
    expect(registry.requests.slice(before.registry).map((q) => q.path)).not.toContain('/evil');
  });
});

describe('the registry client fetches registry names only', () => {
  const client = (): PacoteClient =>
    new PacoteClient({
      config: { registry: registry.url, options: {} },
      limits: { timeoutMs: 2_000, retries: 0, maxResponseBytes: 1024 * 1024 },
    });

  const refused = (): string[] => [
    'github:a/b',
    'github:attacker/repo#0123456789abcdef',
    attackerUrl('x.tgz'),
    `git+${attackerUrl('evil.git')}`,
    'git+ssh://git@127.0.0.1/evil.git',
    'file:../x',
    `file:${evilDir}`,
    evilDir,
    '../x',
    'a/b',
    'evil@npm:github:a/b',
    '__proto__',
    'node_modules',
    '',
    'evil\u001b[2J',
  ];

  it('refuses git, URL, file and invalid specs without a request or a script', async () => {
    const before = { registry: registry.requests.length, attacker: attacker.requests.length };
    for (const spec of refused()) {
      await expect(client().packageFacts(spec), spec).rejects.toBeInstanceOf(UnfetchableNameError);
    }
    expect(attacker.requests.length).toBe(before.attacker);
    expect(registry.requests.length).toBe(before.registry);
    expect(existsSync(marker)).toBe(false);
  });

  it('says which spec it refused, escaped, in one line', async () => {
    await expect(client().packageFacts('evil\u001b[2J\nPASS')).rejects.toThrow(
      'refused to fetch "evil\\u001b[2J\\nPASS": not a registry package name',
    );
  });

  it('still fetches a registry name', async () => {
    const facts = await client().packageFacts('event-stream');
    expect(facts.versions.has('3.3.6')).toBe(true);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

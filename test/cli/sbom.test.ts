import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Packument, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { cycloneDxErrors } from '../helpers/cyclonedx.js';
import { snapshotTree } from '../helpers/tree.js';

interface Component {
  'bom-ref': string;
  name: string;
  group?: string;
  version?: string;
  scope?: string;
  purl?: string;
  hashes?: Array<{ alg: string; content: string }>;
  properties?: Array<{ name: string; value: string }>;
}
interface Bom {
  serialNumber?: string;
  metadata: { timestamp?: string; component: Component; tools: { components: Component[] }; properties?: Component['properties'] };
  components: Component[];
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
}

const LOCKFILES: Record<string, string> = {
  npm: 'package-lock.json',
  pnpm: 'pnpm-lock.yaml',
  'pnpm-v6': 'pnpm-lock.yaml',
  'yarn-classic': 'yarn.lock',
  'yarn-berry': 'yarn.lock',
  bun: 'bun.lock',
};
const dirOf = (scenario: string, manager: string): string =>
  manager === 'npm' ? fixture(scenario, 'head') : fixture(scenario, manager, 'head');

/** The SBOM on stdout, checked against the CycloneDX 1.6 schema. */
async function sbomOf(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ bom: Bom; stderr: string; code: number | null }> {
  const r = await runCli(['sbom', ...args], { env });
  expect(r.stdout, r.stderr).not.toBe('');
  const bom = JSON.parse(r.stdout) as Bom;
  expect(cycloneDxErrors(bom)).toEqual([]);
  return { bom, stderr: r.stderr, code: r.code };
}

const props = (c: Component): Record<string, string> => Object.fromEntries((c.properties ?? []).map((p) => [p.name, p.value]));
const component = (bom: Bom, name: string): Component => {
  const found = bom.components.find((c) => (c.group ? `${c.group}/${c.name}` : c.name) === name);
  if (!found) throw new Error(`no component ${name}`);
  return found;
};
const dependsOn = (bom: Bom, ref: string): string[] => bom.dependencies.find((d) => d.ref === ref)?.dependsOn ?? [];

describe('depguard sbom, on every lockfile format', () => {
  it.each(Object.keys(LOCKFILES))('%s: the event-stream tree, valid CycloneDX 1.6, with purls, hashes and the graph', async (manager) => {
    const { bom, stderr, code } = await sbomOf(['--lockfile', path.join(dirOf('event-stream', manager), LOCKFILES[manager]!)]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(bom.metadata.component).toMatchObject({ type: 'application', name: 'wallet-app', version: '1.0.0' });
    expect(bom.metadata.tools.components[0]).toMatchObject({ name: 'depguard' });
    expect(bom.serialNumber).toMatch(/^urn:uuid:/);
    expect(Date.parse(bom.metadata.timestamp!)).not.toBeNaN();
    expect(bom.components.map((c) => `${c.name}@${c.version}`).sort()).toEqual([
      'duplexer@0.1.1',
      'event-stream@3.3.6',
      'flatmap-stream@0.1.1',
      'from@0.1.7',
      'map-stream@0.1.0',
      'pause-stream@0.0.11',
      'split@0.3.3',
      'stream-combiner@0.0.4',
      'through@2.3.8',
    ]);
    const flatmap = component(bom, 'flatmap-stream');
    expect(flatmap).toMatchObject({ purl: 'pkg:npm/flatmap-stream@0.1.1', scope: 'required' });
    // Yarn Berry's checksum is of its own zip, not an npm integrity: no hash rather than a wrong one
    if (manager === 'yarn-berry') expect(flatmap.hashes).toBeUndefined();
    else expect(flatmap.hashes).toEqual([{ alg: 'SHA-512', content: expect.stringMatching(/^38ce588edb7ff2513c5b576e14ef6bbf/) }]);
    expect(dependsOn(bom, bom.metadata.component['bom-ref'])).toEqual(['event-stream@3.3.6']);
    expect(dependsOn(bom, 'event-stream@3.3.6')).toContain('flatmap-stream@0.1.1');
  });

  it.each(Object.keys(LOCKFILES))(
    '%s: workspaces are components the project depends on, each with its own dependencies',
    async (manager) => {
      const { bom } = await sbomOf(['--lockfile', path.join(dirOf('workspaces', manager), LOCKFILES[manager]!)]);
      const workspaces = bom.components.filter((c) => props(c)['depguard:workspace'] === 'true');
      expect(workspaces.map((c) => `${c.group}/${c.name}`).sort()).toEqual(['@acme/api', '@acme/web']);
      expect(dependsOn(bom, bom.metadata.component['bom-ref'])).toEqual(expect.arrayContaining(workspaces.map((w) => w['bom-ref'])));
      expect(dependsOn(bom, component(bom, '@acme/api')['bom-ref'])).toContain('event-stream@3.3.6');
    },
  );

  it('a real npm monorepo: dev-only packages excluded and marked, optional ones optional, copies of one version told apart', async () => {
    const { bom } = await sbomOf(['--lockfile', fixture('real-npm', 'kitchen-sink', 'head', 'package-lock.json')]);
    const jest = component(bom, 'jest');
    expect(jest.scope).toBe('excluded');
    expect(props(jest)['cdx:npm:package:development']).toBe('true');
    expect(component(bom, 'fsevents').scope).toBe('optional');
    expect(component(bom, 'express').scope).toBe('required');
    const refs = bom.components.map((c) => c['bom-ref']);
    expect(new Set(refs).size).toBe(refs.length);
    const debugs = bom.components.filter((c) => c.name === 'debug' && c.version === '4.4.3');
    expect(debugs.length).toBeGreaterThan(1);
    for (const d of debugs) expect(d['bom-ref']).toBe(`debug@4.4.3|${props(d)['cdx:npm:package:path']}`);
  });

  it('finds the lockfile as audit does, from a subfolder of the project', async () => {
    const r = await runCli(['sbom'], { cwd: path.join(fixture('workspaces', 'head'), 'packages', 'api') });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).metadata.component.name).toBe('monorepo');
  });
});

describe('depguard sbom, as a user runs it', () => {
  it('reads only the lockfile: nothing is written beside it, no registry is asked', async () => {
    const project = mkdtempSync(path.join(os.tmpdir(), 'sbom-project-'));
    cpSync(fixture('event-stream', 'head'), project, { recursive: true });
    const registry = await startRegistry(fixture('event-stream', 'registry'));
    try {
      const before = snapshotTree(project);
      const home = mkdtempSync(path.join(os.tmpdir(), 'sbom-home-'));
      const r = await runCli(['sbom'], { cwd: project, env: { npm_config_registry: registry.url, HOME: home } });
      expect(r.code, r.stderr).toBe(0);
      expect(snapshotTree(project)).toEqual(before);
      expect(registry.requests).toEqual([]);
      expect(readdirSync(home)).toEqual([]); // no cache either
    } finally {
      await registry.close();
    }
  });

  it('--output-file writes only the file, and says so on stderr', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-out-'));
    const out = path.join(dir, 'bom.json');
    const r = await runCli(['sbom', '--lockfile', fixture('event-stream', 'head', 'package-lock.json'), '--output-file', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^depguard: wrote a CycloneDX 1\.6 SBOM of .*package-lock\.json \(9 components\) to .*bom\.json\n$/);
    expect(cycloneDxErrors(JSON.parse(readFileSync(out, 'utf8')))).toEqual([]);
  });

  it('--reproducible: the same lockfile gives the same bytes; SOURCE_DATE_EPOCH sets the timestamp', async () => {
    const args = ['sbom', '--lockfile', fixture('event-stream', 'pnpm', 'head', 'pnpm-lock.yaml'), '--reproducible'];
    const [one, two] = await Promise.all([runCli(args), runCli(args)]);
    expect(one.stdout).toBe(two.stdout);
    const bom = JSON.parse(one.stdout) as Bom;
    expect(bom.metadata.timestamp).toBeUndefined();
    expect(props(bom.metadata as unknown as Component)['cdx:reproducible']).toBe('true');
    const dated = await sbomOf(args.slice(1), { SOURCE_DATE_EPOCH: '1543190400' });
    expect(dated.bom.metadata.timestamp).toBe('2018-11-26T00:00:00.000Z');
    expect(dated.bom.serialNumber).not.toBe(bom.serialNumber);
    const bad = await runCli(args, { env: { SOURCE_DATE_EPOCH: 'yesterday' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("depguard: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not 'yesterday'\n");
  });

  it('refuses registry flags without --registry-facts, and a missing lockfile, in one line', async () => {
    const lock = fixture('event-stream', 'head', 'package-lock.json');
    const r = await runCli(['sbom', '--lockfile', lock, '--registry', 'http://127.0.0.1:9/']);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(r.stderr).toBe('depguard: --registry applies only with --registry-facts (depguard sbom reads only the lockfile without it)\n');
    const missing = await runCli(['sbom', '--lockfile', path.join(os.tmpdir(), 'nowhere', 'package-lock.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^depguard: [^\n]*\n$/);
  });

  it('keeps names, versions and URLs from a stranger’s lockfile as data, and credentials out', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-hostile-'));
    const integrity = 'sha512-OM5Yjtt/8lE8W1duFO9rv4j+0278Kqm+k4UTOBXRHyLXbbXNAS9eEz0fP5+Gt+GmiPOtQ/8s+hq4/BFmXh0TxQ==';
    const lock = {
      name: 'app',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'app', version: '1.0.0', dependencies: { JSONStream: '*', 'git-dep': '*', 'tar-dep': '*' } },
        'node_modules/JSONStream': { version: '1.0.0-"},{"bom-ref":"x\u2028', integrity },
        'node_modules/git-dep': { version: '1.0.0', resolved: 'git+https://ghp_SECRET@github.com/acme/git-dep.git#0123456789abcdef' },
        'node_modules/tar-dep': {
          version: '2.0.0',
          resolved: 'https://me:hunter2@cdn.example.com/tar-dep-2.0.0.tgz',
          integrity: 'sha512-bogus',
        },
      },
    };
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(lock));
    const r = await runCli(['sbom', '--lockfile', path.join(dir, 'package-lock.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/SECRET|hunter2/);
    const bom = JSON.parse(r.stdout) as Bom;
    expect(cycloneDxErrors(bom)).toEqual([]);
    expect(bom.components).toHaveLength(3);
    expect(component(bom, 'JSONStream').version).toBe('1.0.0-"},{"bom-ref":"x\u2028');
    for (const c of bom.components) expect(PackageURL.fromString(c.purl!).type).toBe('npm');
    expect(PackageURL.fromString(component(bom, 'git-dep').purl!).qualifiers).toEqual({
      vcs_url: 'git+https://github.com/acme/git-dep.git#0123456789abcdef',
    });
    expect(PackageURL.fromString(component(bom, 'tar-dep').purl!).qualifiers).toEqual({
      download_url: 'https://cdn.example.com/tar-dep-2.0.0.tgz',
    });
    expect(component(bom, 'tar-dep').hashes).toBeUndefined(); // an integrity that is none gives no hash
  });
});

describe('depguard sbom --registry-facts', () => {
  const lock = fixture('event-stream', 'head', 'package-lock.json');
  let full: Registry;
  let stripped: Registry;
  beforeAll(async () => {
    // the public registry's shape: _npmUser on every version, and one attested release
    const docs = loadDocuments(fixture('event-stream', 'registry'));
    const attested = structuredClone(docs.get('through')!) as Packument;
    attested.versions['2.3.8'].dist.attestations = {
      url: 'https://registry.npmjs.org/-/npm/v1/attestations/through@2.3.8',
      provenance: { predicateType: 'https://slsa.dev/provenance/v1' },
    };
    full = await startRegistry(new Map([...docs, ['through', attested]]));
    // a mirror's shape: no _npmUser, no maintainers, no attestations
    const mirror = new Map<string, Packument>();
    for (const [name, doc] of docs) {
      const copy = structuredClone(doc) as Packument;
      for (const v of Object.values(copy.versions) as Packument[]) {
        delete v._npmUser;
        delete v.maintainers;
      }
      mirror.set(name, copy);
    }
    stripped = await startRegistry(mirror);
  });
  afterAll(async () => {
    await full.close();
    await stripped.close();
  });

  const cacheDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'sbom-cache-'));

  it('records the publisher and provenance the registry serves, for that very artifact', async () => {
    const { bom, stderr, code } = await sbomOf(['--lockfile', lock, '--registry-facts', '--registry', full.url, '--cache-dir', cacheDir()]);
    expect(code).toBe(0);
    expect(props(component(bom, 'event-stream'))).toMatchObject({ 'depguard:publisher': 'right9ctrl' });
    expect(props(component(bom, 'event-stream'))['depguard:provenance']).toBeUndefined();
    expect(props(component(bom, 'flatmap-stream'))['depguard:publisher']).toBe('hugeglass');
    expect(props(component(bom, 'through'))).toMatchObject({ 'depguard:provenance': 'true' });
    expect(stderr).toBe('');
    expect(full.requests.map((r) => r.path).sort()).toEqual(
      ['duplexer', 'event-stream', 'flatmap-stream', 'from', 'map-stream', 'pause-stream', 'split', 'stream-combiner', 'through'].map(
        (n) => `/${n}`,
      ),
    );
  });

  it('uses the facts cache audit uses: --offline answers from it alone', async () => {
    const cache = cacheDir();
    await sbomOf(['--lockfile', lock, '--registry-facts', '--registry', full.url, '--cache-dir', cache]);
    const asked = full.requests.length;
    const { bom, code } = await sbomOf(['--lockfile', lock, '--registry-facts', '--registry', full.url, '--cache-dir', cache, '--offline']);
    expect(code).toBe(0);
    expect(full.requests.length).toBe(asked);
    expect(props(component(bom, 'event-stream'))['depguard:publisher']).toBe('right9ctrl');
  });

  it('--offline with nothing cached: no facts, exit 3, and no word about provenance the registry was never asked for', async () => {
    const r = await sbomOf(['--lockfile', lock, '--registry-facts', '--registry', full.url, '--cache-dir', cacheDir(), '--offline']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^depguard: registry facts could not be had for 9 of 9 packages \(duplexer: [^\n]*--offline[^\n]*\); the SBOM has none for them\n$/,
    );
    expect(r.bom.components.flatMap((c) => Object.keys(props(c))).filter((k) => k.startsWith('depguard:'))).toEqual([]);
  });

  it('says on stderr what a registry that strips them did not serve, and invents nothing', async () => {
    const { bom, stderr, code } = await sbomOf([
      '--lockfile',
      lock,
      '--registry-facts',
      '--registry',
      stripped.url,
      '--cache-dir',
      cacheDir(),
    ]);
    expect(code).toBe(0);
    expect(bom.components.flatMap((c) => Object.keys(props(c))).filter((k) => k.startsWith('depguard:'))).toEqual([]);
    expect(stderr).toBe(
      [
        "depguard: publishers not available: the registry's documents name no publisher (_npmUser) for 9 of 9 packages; none is recorded for them",
        'depguard: provenance not recorded: the registry lists no attestation (dist.attestations) for any locked version (a registry that strips them, as some mirrors do, looks the same)',
        '',
      ].join('\n'),
    );
  });

  it('a package the registry cannot answer for: the SBOM is still written, exit 3 unless --allow-incomplete', async () => {
    const docs = loadDocuments(fixture('event-stream', 'registry'));
    docs.delete('flatmap-stream');
    const partial = await startRegistry(docs);
    try {
      const args = ['--lockfile', lock, '--registry-facts', '--registry', partial.url, '--cache-dir', cacheDir(), '--retries', '0'];
      const r = await sbomOf(args);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /\ndepguard: registry facts could not be had for 1 of 9 packages \(flatmap-stream: .*\); the SBOM has none for them\n$/,
      );
      expect(props(component(r.bom, 'flatmap-stream'))['depguard:publisher']).toBeUndefined();
      expect(props(component(r.bom, 'event-stream'))['depguard:publisher']).toBe('right9ctrl');
      expect((await sbomOf([...args, '--allow-incomplete'])).code).toBe(0);
    } finally {
      await partial.close();
    }
  });

  it('a locked version with other bytes than the registry’s gets none of the registry’s facts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sbom-swapped-'));
    const text = readFileSync(lock, 'utf8').replace(
      /("node_modules\/flatmap-stream": \{[^}]*"integrity": ")[^"]+/,
      '$1sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==',
    );
    writeFileSync(path.join(dir, 'package-lock.json'), text);
    copyFileSync(fixture('event-stream', 'head', 'package.json'), path.join(dir, 'package.json'));
    const r = await sbomOf([
      '--lockfile',
      path.join(dir, 'package-lock.json'),
      '--registry-facts',
      '--registry',
      full.url,
      '--cache-dir',
      cacheDir(),
    ]);
    expect(r.code).toBe(0);
    expect(props(component(r.bom, 'flatmap-stream'))['depguard:publisher']).toBeUndefined();
    expect(r.stderr).toContain("1 locked version is not the registry's");
    expect(existsSync(path.join(dir, 'package-lock.json'))).toBe(true);
  });
});

import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import type { Edge, PackageNode, Snapshot } from '../../src/model.js';
import { bomRefs, buildBom, PROPERTY } from '../../src/sbom/bom.js';
import { hashesOf } from '../../src/sbom/hashes.js';
import { purlOf, withoutSecrets } from '../../src/sbom/purl.js';
import { cycloneDxErrors } from '../helpers/cyclonedx.js';

function node(location: string, packageName: string, version: string, more: Partial<PackageNode> = {}): PackageNode {
  return {
    location,
    name: packageName,
    packageName,
    version,
    resolved: null,
    integrity: null,
    dev: false,
    optional: false,
    devOptional: false,
    isRoot: location === '',
    isLink: false,
    isWorkspace: false,
    target: null,
    hasInstallScript: false,
    inBundle: false,
    line: null,
    ...more,
  };
}

const edge = (from: string, to: string | null, name: string, type: Edge['type'] = 'prod'): Edge => ({ from, to, name, spec: '*', type });

function snapshot(nodes: PackageNode[], edges: Edge[] = [], format: Snapshot['format'] = 'npm'): Snapshot {
  return { source: 'package-lock.json', format, nodes, edges, manifest: null, lockedRoot: null };
}

type Bom = {
  metadata: { component: Record<string, unknown>; timestamp?: string };
  serialNumber?: string;
  components: Array<Record<string, unknown> & { 'bom-ref': string; properties?: Array<{ name: string; value: string }> }>;
  dependencies: Array<{ ref: string; dependsOn?: string[] }>;
};

function bomOf(s: Snapshot, serialNumber = 'content'): Bom {
  const { json } = buildBom({
    snapshot: s,
    lockfileName: 'package-lock.json',
    fallbackName: 'project',
    toolVersion: '0.1.0',
    serialNumber,
  });
  const bom = JSON.parse(json) as Bom;
  expect(cycloneDxErrors(bom)).toEqual([]);
  return bom;
}

const SHA512 = 'sha512-OM5Yjtt/8lE8W1duFO9rv4j+0278Kqm+k4UTOBXRHyLXbbXNAS9eEz0fP5+Gt+GmiPOtQ/8s+hq4/BFmXh0TxQ==';

describe('purls', () => {
  it('are pkg:npm with the scope as namespace, encoded by packageurl-js', () => {
    expect(purlOf('@acme/api', '1.0.0', null)).toBe('pkg:npm/%40acme/api@1.0.0');
    expect(purlOf('event-stream', '3.3.6', 'https://registry.npmjs.org/event-stream/-/event-stream-3.3.6.tgz')).toBe(
      'pkg:npm/event-stream@3.3.6',
    );
    expect(purlOf('through', '2.3.8', 'https://registry.yarnpkg.com/through/-/through-2.3.8.tgz#b0a8')).toBe('pkg:npm/through@2.3.8');
    expect(purlOf('JSONStream', '1.3.5', null)).toBe('pkg:npm/jsonstream@1.3.5'); // the purl spec lowercases npm names
  });

  it('say where a package came from when it is not the default registry, as CycloneDX npm generators do', () => {
    expect(purlOf('a', '1.0.0', 'git+ssh://git@github.com/acme/a.git#0123abc')).toBe(
      'pkg:npm/a@1.0.0?vcs_url=git%2Bssh%3A%2F%2Fgit%40github.com%2Facme%2Fa.git%230123abc',
    );
    expect(purlOf('a', '1.0.0', 'https://cdn.example.com/a-1.0.0.tgz')).toBe(
      'pkg:npm/a@1.0.0?download_url=https%3A%2F%2Fcdn.example.com%2Fa-1.0.0.tgz',
    );
    expect(purlOf('a', '1.0.0', 'https://npm.acme.example/a/-/a-1.0.0.tgz')).toBe(
      'pkg:npm/a@1.0.0?download_url=https%3A%2F%2Fnpm.acme.example%2Fa%2F-%2Fa-1.0.0.tgz',
    );
    expect(purlOf('a', '1.0.0', 'file:../a')).toBe('pkg:npm/a@1.0.0');
  });

  it('never carry credentials', () => {
    expect(withoutSecrets('https://ghp_secret@github.com/a/b.git')).toBe('https://github.com/a/b.git');
    expect(withoutSecrets('git+https://user:tok@github.com/a/b.git#x')).toBe('git+https://github.com/a/b.git#x');
    expect(withoutSecrets('git+ssh://git:pw@github.com/a/b.git')).toBe('git+ssh://git@github.com/a/b.git');
    expect(withoutSecrets('git+ssh://git@github.com/a/b.git')).toBe('git+ssh://git@github.com/a/b.git');
    expect(purlOf('a', '1.0.0', 'https://me:hunter2@cdn.example.com/a.tgz')).not.toContain('hunter2');
  });

  it('keep odd names and versions inside their own component, and parse back to them', () => {
    for (const [name, version] of [
      ['@sc/na"me', '1.0.0#frag?q=1&x=%2F'],
      ['weird\u2028name', '1.0.0-"quoted"'],
      ['__proto__', '0.0.0'],
    ] as const) {
      const purl = purlOf(name, version, null)!;
      const back = PackageURL.fromString(purl);
      expect(back.type).toBe('npm');
      expect(back.version).toBe(version);
      expect(`${back.namespace ? `${back.namespace}/` : ''}${back.name}`).toBe(name.toLowerCase());
    }
  });
});

describe('hashes', () => {
  it('are the integrity as CycloneDX hex digests: SHA-512, SHA-1, both', () => {
    expect(hashesOf(SHA512)).toEqual([['SHA-512', Buffer.from(SHA512.slice('sha512-'.length), 'base64').toString('hex')]]);
    expect(hashesOf('sha1-aSbRsZT7xze47tUTdW3i/Np+pAg=')).toEqual([['SHA-1', '6926d1b194fbc737b8eed513756de2fcda7ea408']]);
    expect(hashesOf(`${SHA512} sha1-aSbRsZT7xze47tUTdW3i/Np+pAg=`).map(([a]) => a)).toEqual(['SHA-512', 'SHA-1']);
  });

  it('are left out when the integrity is not one: nothing is made up', () => {
    expect(hashesOf(null)).toEqual([]);
    expect(hashesOf('sha512-tooShort==')).toEqual([]);
    expect(hashesOf('md5-aSbRsZT7xze47tUTdW3i/Np+pAg=')).toEqual([]);
    expect(hashesOf(`${'sha1-aSbRsZT7xze47tUTdW3i/Np+pAg= '.repeat(100_000)}`)).toHaveLength(1);
  });
});

describe('bom-refs', () => {
  it('are name@version, with the location of each copy when a name@version is locked more than once', () => {
    const refs = bomRefs(
      [
        node('', 'app', '1.0.0'),
        node('node_modules/debug', 'debug', '4.4.3'),
        node('node_modules/a/node_modules/debug', 'debug', '4.4.3'),
        node('node_modules/ms', 'ms', '2.1.3'),
      ],
      'project',
    );
    expect([...refs.values()]).toEqual([
      'app@1.0.0',
      'debug@4.4.3|node_modules/debug',
      'debug@4.4.3|node_modules/a/node_modules/debug',
      'ms@2.1.3',
    ]);
  });

  it('stay unique when a stranger makes a version read like another copy’s ref', () => {
    const refs = bomRefs(
      [
        node('', 'app', '1.0.0'),
        node('node_modules/x', 'x', '1'),
        node('node_modules/y/node_modules/x', 'x', '1'),
        node('node_modules/z/node_modules/x', 'x', '1|node_modules/x'),
      ],
      'project',
    );
    expect(new Set(refs.values()).size).toBe(4);
  });
});

describe('buildBom', () => {
  const tree = snapshot(
    [
      node('', 'wallet-app', '1.0.0'),
      node('node_modules/@acme/tool', '@acme/tool', '2.0.0', { dev: true, devOptional: true, integrity: SHA512 }),
      node('node_modules/event-stream', 'event-stream', '3.3.6', { integrity: SHA512 }),
      node('node_modules/fsevents', 'fsevents', '2.3.3', { optional: true, devOptional: true }),
      node('node_modules/both', 'both', '1.0.0', { devOptional: true }),
      node('node_modules/bundled', 'bundled', '1.0.0', { inBundle: true }),
      node('node_modules/@acme/web', '@acme/web', '1.0.0', { isLink: true, isWorkspace: true, target: 'packages/web' }),
      node('packages/web', '@acme/web', '1.0.0', { isWorkspace: true }),
    ],
    [
      edge('', 'node_modules/event-stream', 'event-stream'),
      edge('', 'node_modules/@acme/tool', '@acme/tool', 'dev'),
      edge('', 'node_modules/fsevents', 'fsevents', 'optional'),
      edge('', 'node_modules/@acme/web', '@acme/web', 'workspace'),
      edge('packages/web', 'node_modules/event-stream', 'event-stream'),
      edge('packages/web', null, 'missing'),
      edge('node_modules/event-stream', 'node_modules/both', 'both'),
    ],
  );

  it('lists the project as metadata.component and every package and workspace as a component', () => {
    const bom = bomOf(tree);
    expect(bom.metadata.component).toMatchObject({ type: 'application', name: 'wallet-app', 'bom-ref': 'wallet-app@1.0.0' });
    expect(bom.components.map((c) => c['bom-ref']).sort()).toEqual([
      '@acme/tool@2.0.0',
      '@acme/web@1.0.0',
      'both@1.0.0',
      'bundled@1.0.0',
      'event-stream@3.3.6',
      'fsevents@2.3.3',
    ]);
    const tool = bom.components.find((c) => c['bom-ref'] === '@acme/tool@2.0.0')!;
    expect(tool).toMatchObject({ type: 'library', group: '@acme', name: 'tool', version: '2.0.0', purl: 'pkg:npm/%40acme/tool@2.0.0' });
    expect(tool.hashes).toEqual([{ alg: 'SHA-512', content: hashesOf(SHA512)[0]![1] }]);
  });

  it('scopes as cyclonedx-npm does: dev-only excluded and marked, optional optional, the rest required', () => {
    const bom = bomOf(tree);
    const by = (ref: string) => bom.components.find((c) => c['bom-ref'] === ref)!;
    const props = (ref: string) => Object.fromEntries((by(ref).properties ?? []).map((p) => [p.name, p.value]));
    expect(by('@acme/tool@2.0.0').scope).toBe('excluded');
    expect(props('@acme/tool@2.0.0')[PROPERTY.development]).toBe('true');
    expect(by('fsevents@2.3.3').scope).toBe('optional');
    expect(props('fsevents@2.3.3')[PROPERTY.development]).toBeUndefined();
    expect(by('both@1.0.0').scope).toBe('optional');
    expect(props('both@1.0.0')[PROPERTY.development]).toBe('true');
    expect(by('event-stream@3.3.6').scope).toBe('required');
    expect(props('event-stream@3.3.6')).toEqual({ [PROPERTY.path]: 'node_modules/event-stream' });
    expect(props('bundled@1.0.0')[PROPERTY.bundled]).toBe('true');
    expect(props('@acme/web@1.0.0')).toEqual({ [PROPERTY.workspace]: 'true', [PROPERTY.path]: 'packages/web' });
  });

  it('draws the dependency graph from the lockfile edges, a workspace link standing for its folder', () => {
    const deps = Object.fromEntries(bomOf(tree).dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
    expect(deps['wallet-app@1.0.0']).toEqual(['@acme/tool@2.0.0', '@acme/web@1.0.0', 'event-stream@3.3.6', 'fsevents@2.3.3']);
    expect(deps['@acme/web@1.0.0']).toEqual(['event-stream@3.3.6']);
    expect(deps['event-stream@3.3.6']).toEqual(['both@1.0.0']);
    expect(deps['fsevents@2.3.3']).toEqual([]);
  });

  it('records paths only where the lockfile records the layout (not for Yarn’s or pnpm’s stand-in locations)', () => {
    const yarn = bomOf(
      snapshot([node('', 'app', '1.0.0'), node('node_modules/.yarn/a@1.0.0/node_modules/a', 'a', '1.0.0')], [], 'yarn-classic'),
    );
    expect(yarn.components[0]!.properties).toBeUndefined();
  });

  it('falls back to the folder name for a project its lockfile does not name', () => {
    const bom = bomOf(snapshot([node('', '', ''), node('node_modules/a', 'a', '1.0.0')]));
    expect(bom.metadata.component).toMatchObject({ name: 'project', 'bom-ref': 'project' });
  });

  it('is the same text for the same lockfile with a content serial number, and another for another lockfile', () => {
    const one = buildBom({
      snapshot: tree,
      lockfileName: 'package-lock.json',
      fallbackName: 'p',
      toolVersion: '1',
      serialNumber: 'content',
    });
    const two = buildBom({
      snapshot: tree,
      lockfileName: 'package-lock.json',
      fallbackName: 'p',
      toolVersion: '1',
      serialNumber: 'content',
    });
    expect(one.json).toBe(two.json);
    const other = buildBom({
      snapshot: snapshot(tree.nodes.slice(0, 3)),
      lockfileName: 'package-lock.json',
      fallbackName: 'p',
      toolVersion: '1',
      serialNumber: 'content',
    });
    expect(JSON.parse(other.json).serialNumber).not.toBe(JSON.parse(one.json).serialNumber);
    expect(JSON.parse(one.json).serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('adds registry facts as properties only where they were given', () => {
    const { json } = buildBom({
      snapshot: tree,
      lockfileName: 'package-lock.json',
      fallbackName: 'p',
      toolVersion: '1',
      serialNumber: 'content',
      facts: new Map([
        ['node_modules/event-stream', { publisher: { name: 'right9ctrl', trustedPublisher: 'github' }, provenance: true }],
        ['node_modules/fsevents', { provenance: false }],
      ]),
    });
    const bom = JSON.parse(json) as Bom;
    expect(cycloneDxErrors(bom)).toEqual([]);
    const props = (ref: string) =>
      Object.fromEntries((bom.components.find((c) => c['bom-ref'] === ref)!.properties ?? []).map((p) => [p.name, p.value]));
    expect(props('event-stream@3.3.6')).toMatchObject({
      [PROPERTY.publisher]: 'right9ctrl',
      [PROPERTY.trustedPublisher]: 'github',
      [PROPERTY.provenance]: 'true',
    });
    expect(Object.keys(props('fsevents@2.3.3')).filter((k) => k.startsWith('depguard:'))).toEqual([]);
  });

  it('keeps hostile names and versions as data: valid JSON, valid CycloneDX, one component each', () => {
    const odd = ['"},{"bom-ref":"x', '\u2028</script>', '\\u0000', '𝒳\ud800', `${'v'.repeat(4096)}`];
    const s = snapshot([
      node('', 'app', '1.0.0'),
      ...odd.map((v, i) => node(`node_modules/p${i}`, `p${i}`, v, { integrity: `sha512-${v}` })),
      node('node_modules/q', '@evil/"q', '1.0.0', { resolved: 'git+https://tok@github.com/a/"b.git#\u2028' }),
    ]);
    const bom = bomOf(s);
    expect(bom.components).toHaveLength(odd.length + 1);
    // each version is its own component's (a version over the schema's 1024 characters stays only in the purl)
    expect(bom.components.map((c) => c.version)).toEqual(expect.arrayContaining(odd.slice(0, 3)));
    expect(bom.components.find((c) => c.name === 'p4')).not.toHaveProperty('version');
    expect(bom.components.find((c) => c.name === 'p4')!.purl).toContain('v'.repeat(4096));
    expect(JSON.stringify(bom)).not.toContain('tok@');
  });
});

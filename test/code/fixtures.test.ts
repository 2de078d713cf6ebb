import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, type Registry, startRegistry, tarballFile } from '../../scripts/fixture-registry.mjs';
import { readTarball } from '../../src/code/tarball.js';
import { fixture } from '../helpers/cli.js';

/** What every code-* scenario's tarballs hold, by package name and version. */
const EXPECTED: Record<string, Record<string, Record<string, string[]>>> = {
  'code-flatmap-stream': {
    'event-stream': {
      '3.3.5': ['LICENCE', 'index.js', 'package.json', 'readme.markdown'],
      '3.3.6': ['LICENCE', 'index.js', 'package.json', 'readme.markdown'],
    },
    'flatmap-stream': { '0.1.1': ['LICENSE', 'README.md', 'index.js', 'index.min.js', 'package.json', 'test/data.js'] },
  },
  'code-eslint-scope': {
    'eslint-scope': {
      '3.7.1': eslintScope([]),
      '3.7.2': eslintScope(['lib/build.js']),
    },
  },
  'code-ua-parser': {
    'ua-parser-js': {
      '0.7.28': ['dist/ua-parser.min.js', 'license.md', 'package.json', 'readme.md', 'src/ua-parser.js'],
      '0.7.29': ['dist/ua-parser.min.js', 'license.md', 'package.json', 'preinstall.bat', 'preinstall.js', 'readme.md', 'src/ua-parser.js'],
    },
  },
  'code-shai-hulud': {
    '@acme/tinycolor': {
      '4.1.0': ['LICENSE', 'README.md', 'dist/conversion.js', 'dist/index.js', 'dist/util.js', 'package.json'],
      '4.1.1': ['LICENSE', 'README.md', 'bundle.js', 'dist/conversion.js', 'dist/index.js', 'dist/util.js', 'package.json'],
    },
  },
  'code-chalk-debug': {
    debug: {
      '4.4.1': ['LICENSE', 'README.md', 'package.json', 'src/browser.js', 'src/common.js', 'src/index.js', 'src/node.js'],
      '4.4.2': ['LICENSE', 'README.md', 'package.json', 'src/browser.js', 'src/common.js', 'src/index.js', 'src/node.js'],
    },
  },
  'code-http-client-fetch': {
    'http-client-lite': {
      '1.6.0': httpClient([]),
      '1.7.0': httpClient(['lib/adapters/fetch.js']),
    },
  },
  'code-cli-spawns-git': {
    'gitstat-cli': {
      '2.0.0': ['LICENSE', 'README.md', 'bin/gitstat.js', 'lib/args.js', 'lib/summary.js', 'package.json'],
      '2.1.0': ['LICENSE', 'README.md', 'bin/gitstat.js', 'lib/args.js', 'lib/git.js', 'lib/summary.js', 'package.json'],
    },
  },
  'code-minified-bundle': {
    'tiny-format': {
      '1.0.0': ['LICENSE', 'README.md', 'package.json', 'src/index.js'],
      '1.1.0': ['LICENSE', 'README.md', 'dist/index.min.js', 'package.json', 'src/index.js'],
    },
  },
  'code-hash-wasm': {
    'hash-kit': {
      '3.0.0': ['LICENSE', 'README.md', 'lib/encode.js', 'lib/index.js', 'package.json'],
      '3.1.0': ['LICENSE', 'README.md', 'lib/blake3.js', 'lib/blake3.wasm', 'lib/encode.js', 'lib/index.js', 'package.json'],
    },
  },
  'code-prebuilt-node': {
    'fast-addon': {
      '5.0.0': ['LICENSE', 'README.md', 'binding.gyp', 'index.js', 'package.json', 'src/addon.cc'],
      '6.0.0': ['LICENSE', 'README.md', 'binding.gyp', 'index.js', 'package.json', 'prebuilds/linux-x64/addon.node', 'src/addon.cc'],
    },
  },
  'code-test-fixtures-base64': {
    'image-codec': {
      '2.3.0': ['LICENSE', 'README.md', 'lib/index.js', 'package.json'],
      '2.4.0': [
        'LICENSE',
        'README.md',
        'lib/index.js',
        'package.json',
        'test/data.js',
        'test/fixtures/icon.json',
        'test/fixtures/photo.json',
        'test/fixtures/pixel.json',
        'test/index.test.js',
      ],
    },
  },
};

function eslintScope(extra: string[]): string[] {
  const lib = ['index.js', 'reference.js', 'referencer.js', 'scope-manager.js', 'scope.js', 'variable.js'].map((f) => `lib/${f}`);
  return ['LICENSE', 'README.md', ...[...extra, ...lib].sort(), 'package.json'];
}

function httpClient(extra: string[]): string[] {
  const lib = [
    'lib/adapters/http.js',
    'lib/adapters/index.js',
    'lib/adapters/xhr.js',
    'lib/core/client.js',
    'lib/defaults.js',
    'lib/index.js',
  ];
  return ['LICENSE', 'README.md', ...[...extra, ...lib].sort(), 'package.json'];
}

const sha512 = (bytes: Uint8Array) => `sha512-${crypto.createHash('sha512').update(bytes).digest('base64')}`;

/** The lockfile entry of `name` on `side`, if that side locks it. */
function locked(id: string, side: 'base' | 'head', name: string): { version: string; integrity: string } | undefined {
  const lock = JSON.parse(fs.readFileSync(fixture(id, side, 'package-lock.json'), 'utf8'));
  return lock.packages[`node_modules/${name}`];
}

describe.each(Object.keys(EXPECTED))('%s', (id) => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry(fixture(id, 'registry'));
  });
  afterAll(() => registry.close());

  const versions = Object.entries(EXPECTED[id]!).flatMap(([name, byVersion]) =>
    Object.entries(byVersion).map(([version, files]) => ({ name, version, files })),
  );

  it('keeps a tarball for every version with code, and no other', () => {
    const stored = fs.readdirSync(fixture(id, 'registry', 'tarballs')).sort();
    expect(stored).toEqual(versions.map((v) => tarballFile(v.name, v.version)).sort());
  });

  it.each(versions)(
    'serves $name@$version as stored, with the integrity of the document and the lockfile',
    async ({ name, version, files }) => {
      const doc = loadDocuments(fixture(id, 'registry')).get(name)!;
      const dist = doc.versions[version].dist;
      const res = await fetch(`${registry.url}${name}/-/${name.split('/').pop()}-${version}.tgz`);
      expect(res.status).toBe(200);
      const tgz = new Uint8Array(await res.arrayBuffer());
      expect(tgz).toEqual(new Uint8Array(fs.readFileSync(fixture(id, 'registry', 'tarballs', tarballFile(name, version)))));
      expect(sha512(tgz)).toBe(dist.integrity);
      const lockedOn = [locked(id, 'base', name), locked(id, 'head', name)].filter((e) => e?.version === version);
      expect(lockedOn.length).toBeGreaterThan(0);
      for (const entry of lockedOn) expect(entry?.integrity).toBe(dist.integrity);

      const contents = await readTarball(tgz);
      expect(contents).toMatchObject({ complete: true, problems: [] });
      expect(contents.files.map((f) => f.path)).toEqual(files);
      expect(dist.fileCount).toBe(files.length);
      expect(dist.unpackedSize).toBe(contents.files.reduce((sum, f) => sum + f.size, 0));
      const manifest = JSON.parse(Buffer.from(contents.files.find((f) => f.path === 'package.json')!.bytes!).toString());
      expect(manifest).toMatchObject({ name, version });
      expect(manifest.scripts ?? {}).toEqual(doc.versions[version].scripts ?? {});
      expect(manifest.dependencies ?? {}).toEqual(doc.versions[version].dependencies ?? {});
    },
  );

  it('locks the old version on the base side and the new one on head', () => {
    const [name, byVersion] = Object.entries(EXPECTED[id]!)[0]!;
    const [from, to] = Object.keys(byVersion);
    expect(locked(id, 'base', name)?.version).toBe(from);
    expect(locked(id, 'head', name)?.version).toBe(to);
  });
});

describe('what the code-* tarballs hold', () => {
  const read = async (id: string, name: string, version: string) =>
    readTarball(fs.readFileSync(fixture(id, 'registry', 'tarballs', tarballFile(name, version))));
  const text = (c: Awaited<ReturnType<typeof read>>, path: string) => Buffer.from(c.files.find((f) => f.path === path)!.bytes!).toString();

  it('keeps the executable bit of a bin', async () => {
    const c = await read('code-cli-spawns-git', 'gitstat-cli', '2.1.0');
    expect(c.files.find((f) => f.path === 'bin/gitstat.js')?.mode).toBe(0o755);
  });

  it('holds binaries byte for byte: a WebAssembly module and an ELF addon', async () => {
    const wasm = (await read('code-hash-wasm', 'hash-kit', '3.1.0')).files.find((f) => f.path === 'lib/blake3.wasm')!.bytes!;
    expect(WebAssembly.validate(new Uint8Array(wasm))).toBe(true);
    const elf = (await read('code-prebuilt-node', 'fast-addon', '6.0.0')).files.find((f) => f.path.endsWith('addon.node'))!.bytes!;
    expect([...elf.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
  });

  it('points every incident at hosts that cannot resolve', async () => {
    const cases: Array<[string, string, string, string]> = [
      ['code-eslint-scope', 'eslint-scope', '3.7.2', 'lib/build.js'],
      ['code-ua-parser', 'ua-parser-js', '0.7.29', 'preinstall.js'],
      ['code-ua-parser', 'ua-parser-js', '0.7.29', 'preinstall.bat'],
      ['code-shai-hulud', '@acme/tinycolor', '4.1.1', 'bundle.js'],
    ];
    for (const [id, name, version, path] of cases) {
      const source = text(await read(id, name, version), path);
      const hosts = [...source.matchAll(/\b(?:https?:\/\/|hostname:\s*')([\w.-]+)/g)].map((m) => m[1]!);
      expect(hosts.length, path).toBeGreaterThan(0);
      for (const host of hosts) expect(host, `${path}: ${host}`).toMatch(/\.invalid$|^[12]\.[ab]$/);
    }
  });
});

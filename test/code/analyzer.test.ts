import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackument, integrityOf, packTarball, startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { TarballAnalyzer } from '../../src/code/analyzer.js';
import { IntegrityMismatchError, RegistryError } from '../../src/errors.js';
import { PacoteClient } from '../../src/registry/pacote-client.js';

/** The code stage's fetch and cache against a registry on 127.0.0.1 (tarballs made from the manifests). */
const doc = buildPackument({
  name: '@scope/lib',
  versions: [{ version: '1.0.0', time: '2020-01-01T00:00:00Z', scripts: { postinstall: 'node install.js' } }],
});
const good = doc.versions['1.0.0'].dist.integrity as string;

let registry: Registry;
let cache: string;
beforeAll(async () => {
  registry = await startRegistry(new Map([['@scope/lib', doc]]));
});
afterAll(async () => {
  await registry.close();
});

function analyzer(options: { offline?: boolean; dir?: string } = {}): TarballAnalyzer {
  cache = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-code-cache-'));
  const client = new PacoteClient({
    config: { registry: registry.url, options: {} },
    limits: { timeoutMs: 5000, retries: 0, maxResponseBytes: 1 << 20 },
  });
  return new TarballAnalyzer(client, { cacheDir: cache, offline: options.offline ?? false });
}

const tarballRequests = () => registry.requests.filter((r) => r.path.endsWith('.tgz')).length;

describe('TarballAnalyzer', () => {
  it('fetches the tarball from the registry at its canonical path, verifies it, and reads the install script', async () => {
    const before = tarballRequests();
    const analysis = await analyzer().analysis('@scope/lib', '1.0.0', good);
    expect(registry.requests.at(-1)!.path).toBe('/@scope/lib/-/lib-1.0.0.tgz');
    expect(tarballRequests()).toBe(before + 1);
    expect(analysis.files.map((f) => f.path)).toEqual(['package.json']);
    expect(analysis.installScripts).toEqual({ postinstall: 'node install.js' });
    expect(analysis.complete).toBe(true);
  });

  it('caches the analysis by integrity: a warm run neither fetches nor parses', async () => {
    const first = analyzer();
    const analysis = await first.analysis('@scope/lib', '1.0.0', good);
    const before = tarballRequests();
    const warm = new TarballAnalyzer(new PacoteClient({ config: { registry: 'http://127.0.0.1:9/', options: {} } }), {
      cacheDir: cache,
      offline: true,
    });
    expect(await warm.analysis('@scope/lib', '1.0.0', good)).toEqual(analysis);
    expect(tarballRequests()).toBe(before);
  });

  it('a tarball that does not match the integrity is an IntegrityMismatchError, and nothing is cached', async () => {
    const other = integrityOf(packTarball({ name: '@scope/lib', version: '9.9.9' }));
    const a = analyzer();
    await expect(a.analysis('@scope/lib', '1.0.0', other)).rejects.toBeInstanceOf(IntegrityMismatchError);
    expect(fs.existsSync(path.join(cache, 'code-v1'))).toBe(false);
  });

  it('a version the registry does not serve is a RegistryError (the check is listed as not made)', async () => {
    await expect(analyzer().analysis('@scope/lib', '2.0.0', null)).rejects.toSatisfy(
      (e) => e instanceof RegistryError && /404/.test(e.reason),
    );
  });

  it('--offline with nothing cached fetches nothing', async () => {
    const before = registry.requests.length;
    await expect(analyzer({ offline: true }).analysis('@scope/lib', '1.0.0', good)).rejects.toSatisfy(
      (e) => e instanceof RegistryError && e.reason === 'no code analysis of @scope/lib@1.0.0 in the cache (--offline)',
    );
    expect(registry.requests.length).toBe(before);
  });
});

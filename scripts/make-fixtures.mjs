#!/usr/bin/env node
// Regenerates fixtures/<scenario>/: registry documents (in the shape of the public registry's
// full documents) and the base/head lockfiles, made by the real npm against those documents
// served on 127.0.0.1. Run: node scripts/make-fixtures.mjs [scenario...]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { packTarball, integrityOf, shasumOf, startRegistry } from './fixture-registry.mjs';
import { scenarios } from '../fixtures/scenarios.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);

/** Fills in what the public registry derives: _id, dist, time.created/modified, dist-tags. */
export function buildPackument(spec) {
  const versions = {};
  const time = {};
  for (const v of spec.versions) {
    const manifest = {
      name: spec.name,
      version: v.version,
      description: spec.description ?? `${spec.name} fixture`,
      license: 'MIT',
      ...(v.repository ?? spec.repository ? { repository: v.repository ?? spec.repository } : {}),
      ...(v.dependencies ? { dependencies: v.dependencies } : {}),
      ...(v.optionalDependencies ? { optionalDependencies: v.optionalDependencies } : {}),
      ...(v.scripts ? { scripts: v.scripts } : {}),
      ...(v.gypfile ? { gypfile: true } : {}),
      ...(v.deprecated ? { deprecated: v.deprecated } : {}),
      _id: `${spec.name}@${v.version}`,
      ...(v.publisher === null ? {} : { _npmUser: v.publisher }),
      ...(v.maintainers === null ? {} : { maintainers: v.maintainers }),
      _npmVersion: v.npmVersion ?? '6.4.1',
      _nodeVersion: '10.9.0',
    };
    const tgz = packTarball(manifest);
    const file = `${spec.name.split('/').pop()}-${v.version}.tgz`;
    manifest.dist = {
      integrity: integrityOf(tgz),
      shasum: shasumOf(tgz),
      tarball: `https://registry.npmjs.org/${spec.name}/-/${file}`,
      fileCount: 1,
      unpackedSize: tgz.length,
      ...(v.attestations ? { attestations: { url: `https://registry.npmjs.org/-/npm/v1/attestations/${spec.name}@${v.version}`, provenance: { predicateType: 'https://slsa.dev/provenance/v1' } } } : {}),
    };
    if (v.hasInstallScript) manifest.hasInstallScript = true;
    versions[v.version] = manifest;
    time[v.version] = v.time;
  }
  const times = Object.values(time).sort();
  const latest = spec.latest ?? spec.versions.filter((v) => !v.version.includes('-')).at(-1).version;
  return {
    _id: spec.name,
    _rev: '1-fixture',
    name: spec.name,
    description: spec.description ?? `${spec.name} fixture`,
    'dist-tags': { latest, ...(spec.tags ?? {}) },
    ...(spec.maintainers === null ? {} : { maintainers: spec.maintainers ?? spec.versions.at(-1).maintainers ?? [] }),
    time: spec.omitTime ? undefined : { created: spec.created ?? times[0], modified: spec.modified ?? times.at(-1), ...time },
    ...(spec.repository ? { repository: spec.repository } : {}),
    license: 'MIT',
    versions,
  };
}

// asynchronous: the registry runs in this process and must keep answering
async function npm(cwd, registry, args) {
  await promisify(execFile)('npm', [...args, '--registry', registry, '--ignore-scripts', '--no-audit', '--no-fund', '--cache', path.join(cwd, '.npm-cache')], {
    cwd,
    env: { ...process.env, npm_config_userconfig: '/dev/null' },
  });
  fs.rmSync(path.join(cwd, '.npm-cache'), { recursive: true, force: true });
}

for (const scenario of scenarios) {
  if (only.length && !only.includes(scenario.id)) continue;
  const dir = path.join(root, 'fixtures', scenario.id);
  fs.rmSync(path.join(dir, 'registry'), { recursive: true, force: true });
  if (!scenario.registryFrom) fs.mkdirSync(path.join(dir, 'registry'), { recursive: true });
  const docs = new Map();
  for (const spec of scenario.packages) {
    const doc = buildPackument(spec);
    docs.set(doc.name, doc);
    if (!scenario.registryFrom) fs.writeFileSync(path.join(dir, 'registry', `${encodeURIComponent(doc.name)}.json`), JSON.stringify(doc, null, 2) + '\n');
  }
  const registry = await startRegistry(docs);
  try {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-fixture-'));
    for (const side of ['base', 'head']) {
      const out = path.join(dir, side);
      fs.mkdirSync(out, { recursive: true });
      const pkg = scenario[side];
      fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
      for (const [ws, manifest] of Object.entries(scenario.workspaces?.[side] ?? {})) {
        fs.mkdirSync(path.join(work, ws), { recursive: true });
        fs.writeFileSync(path.join(work, ws, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
      }
      // head starts from base's lockfile, as a real update does
      await npm(work, registry.url, ['install', '--package-lock-only', `--omit-lockfile-registry-resolved=${scenario.omitResolved ? 'true' : 'false'}`, ...(scenario.lockfileVersion ? [`--lockfile-version=${scenario.lockfileVersion}`] : [])]);
      let lock = fs.readFileSync(path.join(work, 'package-lock.json'), 'utf8');
      // npm records the registry it used; fixtures say what a lockfile made against the public registry says
      lock = lock.split(registry.url).join('https://registry.npmjs.org/');
      fs.writeFileSync(path.join(out, 'package-lock.json'), lock);
      fs.writeFileSync(path.join(out, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
      for (const [ws, manifest] of Object.entries(scenario.workspaces?.[side] ?? {})) {
        fs.mkdirSync(path.join(out, ws), { recursive: true });
        fs.writeFileSync(path.join(out, ws, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  } finally {
    await registry.close();
  }
  console.log(`fixtures/${scenario.id}: ${docs.size} documents, base and head lockfiles`);
}

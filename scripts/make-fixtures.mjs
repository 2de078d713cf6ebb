#!/usr/bin/env node
// Regenerates fixtures/<scenario>/: registry documents (in the shape of the public registry's
// full documents) and the base/head lockfiles, made by the real npm against those documents
// served on 127.0.0.1 (<scenario>/base, <scenario>/head); for the scenarios that list `managers`,
// also by pnpm, Yarn classic, Yarn Berry and Bun (<scenario>/<manager>/base and .../head, each a
// project directory of its own). A version with `files` (the code-* scenarios) is packed by
// `npm pack` from fixtures/code/<files>/ with the package.json its registry manifest implies;
// the tarball is kept as <scenario>/registry/tarballs/<tarballFile(name, version)>, and the
// registry document's dist describes it. Run: node scripts/make-fixtures.mjs [scenario...]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildPackument, startRegistry, tarballFile, tarballManifest } from './fixture-registry.mjs';
import { installTools, managers } from './package-managers.mjs';
import { scenarios } from '../fixtures/scenarios.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const only = process.argv.slice(2);

// asynchronous: the registry runs in this process and must keep answering
async function npm(cwd, registry, args) {
  await promisify(execFile)(
    'npm',
    [...args, '--registry', registry, '--ignore-scripts', '--no-audit', '--no-fund', '--cache', path.join(cwd, '.npm-cache')],
    {
      cwd,
      env: { ...process.env, npm_config_userconfig: '/dev/null' },
    },
  );
  fs.rmSync(path.join(cwd, '.npm-cache'), { recursive: true, force: true });
}

/**
 * Packs a version's code (fixtures/code/<v.files>/ and the package.json of `manifest`) with
 * `npm pack`, keeps the tarball in `out`, and returns it with npm's file count and unpacked size.
 */
async function packVersion(name, v, manifest, out) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-pack-'));
  try {
    const src = path.join(work, 'package');
    fs.cpSync(path.join(root, 'fixtures', 'code', v.files), src, { recursive: true });
    fs.writeFileSync(path.join(src, 'package.json'), `${JSON.stringify(tarballManifest(manifest), null, 2)}\n`);
    const { stdout } = await promisify(execFile)(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', work, '--cache', path.join(work, '.npm-cache')],
      { cwd: src, env: { ...process.env, npm_config_userconfig: '/dev/null' } },
    );
    const [info] = JSON.parse(stdout);
    const tgz = fs.readFileSync(path.join(work, info.filename));
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, tarballFile(name, v.version)), tgz);
    return { tgz, fileCount: info.entryCount, unpackedSize: info.unpackedSize };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Writes a side's package.json and workspace manifests into `dir`. */
function writeProject(dir, scenario, side) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(scenario[side], null, 2)}\n`);
  for (const [ws, manifest] of Object.entries(scenario.workspaces?.[side] ?? {})) {
    fs.mkdirSync(path.join(dir, ws), { recursive: true });
    fs.writeFileSync(path.join(dir, ws, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

/** The same base -> head update, locked by another package manager against the same documents. */
async function lockWithManager(scenario, docs, id, manager) {
  const out = path.join(root, 'fixtures', scenario.id, id);
  fs.rmSync(out, { recursive: true, force: true });
  // these managers download tarballs (or record non-default URLs): serve them from 127.0.0.1
  const registry = await startRegistry(docs, { localTarballs: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `depguard-fixture-${id}-`));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `depguard-fixture-home-`));
  try {
    for (const side of ['base', 'head']) {
      writeProject(work, scenario, side);
      const extra = manager.workspaceFiles(scenario[side].workspaces ?? []);
      for (const [file, text] of Object.entries(scenario.workspaces ? extra : {})) fs.writeFileSync(path.join(work, file), text);
      await manager.lock(work, registry.url, home);
      let lock = fs.readFileSync(path.join(work, manager.lockfile), 'utf8').split(registry.url).join('https://registry.npmjs.org/');
      if (side === 'head' && scenario.tamperHeadText) lock = scenario.tamperHeadText(id, lock, docs);
      writeProject(path.join(out, side), scenario, side);
      for (const [file, text] of Object.entries(scenario.workspaces ? extra : {})) fs.writeFileSync(path.join(out, side, file), text);
      fs.writeFileSync(path.join(out, side, manager.lockfile), lock);
    }
  } finally {
    await registry.close();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const tools = scenarios.some((s) => s.managers && (!only.length || only.includes(s.id))) ? managers(await installTools(root)) : {};

for (const scenario of scenarios) {
  if (only.length && !only.includes(scenario.id)) continue;
  const dir = path.join(root, 'fixtures', scenario.id);
  fs.rmSync(path.join(dir, 'registry'), { recursive: true, force: true });
  if (!scenario.registryFrom) fs.mkdirSync(path.join(dir, 'registry'), { recursive: true });
  const docs = new Map();
  for (const spec of scenario.packages) {
    const packed = {};
    const manifests = buildPackument(spec).versions;
    for (const v of spec.versions.filter((v) => v.files))
      packed[v.version] = await packVersion(spec.name, v, manifests[v.version], path.join(dir, 'registry', 'tarballs'));
    const doc = buildPackument(spec, packed);
    docs.set(doc.name, doc);
  }
  const registry = await startRegistry(docs, { tarballs: path.join(dir, 'registry', 'tarballs') });
  try {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'depguard-fixture-'));
    for (const side of ['base', 'head']) {
      const out = path.join(dir, side);
      fs.mkdirSync(out, { recursive: true });
      writeProject(work, scenario, side);
      // head starts from base's lockfile, as a real update does
      await npm(work, registry.url, [
        'install',
        '--package-lock-only',
        `--omit-lockfile-registry-resolved=${scenario.omitResolved ? 'true' : 'false'}`,
        ...(scenario.lockfileVersion ? [`--lockfile-version=${scenario.lockfileVersion}`] : []),
      ]);
      let lock = fs.readFileSync(path.join(work, 'package-lock.json'), 'utf8');
      // npm records the registry it used; fixtures say what a lockfile made against the public registry says
      lock = lock.split(registry.url).join('https://registry.npmjs.org/');
      // tampering a lockfile in a pull request is done by hand, after npm
      if (side === 'head' && scenario.tamperHead) lock = `${JSON.stringify(scenario.tamperHead(JSON.parse(lock)), null, 2)}\n`;
      writeProject(out, scenario, side);
      fs.writeFileSync(path.join(out, 'package-lock.json'), lock);
    }
    fs.rmSync(work, { recursive: true, force: true });
  } finally {
    await registry.close();
  }
  for (const id of scenario.managers ?? []) await lockWithManager(scenario, docs, id, tools[id]);
  // what the registry says later: withdrawn versions, security placeholders
  scenario.afterLock?.(docs);
  if (!scenario.registryFrom) {
    for (const doc of docs.values())
      fs.writeFileSync(path.join(dir, 'registry', `${encodeURIComponent(doc.name)}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  }
  console.log(
    `fixtures/${scenario.id}: ${docs.size} documents, base and head lockfiles by npm${(scenario.managers ?? []).map((m) => `, ${m}`).join('')}`,
  );
}

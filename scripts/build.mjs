#!/usr/bin/env node
// `npm run build`, and npm's `prepare` (npm ci, git installs) and `prepack` (npm pack, publish):
// compiles src/ to dist/ with the TypeScript the lockfile pins.
// - dist/ is built from empty, so a tarball never carries the output of a deleted source. When
//   neither the sources nor dist/ changed since this script last built it, it builds nothing:
//   npm pack runs both prepack and prepare, and a git install runs prepare twice.
// - A global install from git (`npm install -g git+…`, which is how the pre-commit framework
//   installs a hook) prepares the clone with an `npm install` that inherits the global flag, so
//   no devDependency lands in the clone (npm/cli#8440). TypeScript missing in `prepare` is that
//   case: the devDependencies are installed into the clone first, as the lockfile pins them.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
const stampFile = path.join(root, 'node_modules', '.cache', 'depguard-build.json');

function fail(message) {
  console.error(`build: ${message}`);
  process.exit(1);
}

/** The path of every file under `dir`, sorted, '/'-separated and relative to the root. */
function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

function digest(files) {
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(fs.readFileSync(path.join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

function tscPath() {
  try {
    return createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return null;
  }
}

/** npm/cli#8440: install the devDependencies into this clone with the npm that runs this script. */
function installDevDependencies() {
  const npm = process.env.npm_execpath;
  if (!npm || !fs.existsSync(path.join(root, 'package-lock.json')))
    fail('TypeScript is not installed: run `npm ci` in this directory first');
  console.error('build: TypeScript is not installed here (npm/cli#8440): installing the devDependencies first');
  const args = ['ci', '--global=false', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
  const run = spawnSync(process.execPath, [npm, ...args], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) fail(`npm ${args.join(' ')} failed`);
}

/** What dist/ is made from: the sources, the configuration, and the lockfile that pins the compiler. */
const inputs = digest([...filesUnder(path.join(root, 'src')), 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']);
const stamp = fs.existsSync(stampFile) ? JSON.parse(fs.readFileSync(stampFile, 'utf8')) : null;
if (stamp?.inputs === inputs && stamp.dist === digest(filesUnder(dist))) process.exit(0);

let tsc = tscPath();
if (tsc === null) {
  if (process.env.npm_lifecycle_event !== 'prepare') fail('TypeScript is not installed: run `npm ci` first');
  installDevDependencies();
  tsc = tscPath() ?? fail('TypeScript is still not installed after npm ci');
}

fs.rmSync(dist, { recursive: true, force: true });
const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) fail(`tsc exited with ${run.status ?? run.signal}`);
fs.mkdirSync(path.dirname(stampFile), { recursive: true });
fs.writeFileSync(stampFile, `${JSON.stringify({ inputs, dist: digest(filesUnder(dist)) })}\n`);

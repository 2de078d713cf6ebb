import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AUDIT_DEFAULTS, factsClient, type AuditLimits, type CacheOptions } from '../audit.js';
import { InterruptedError, UsageError } from '../errors.js';
import { repoRoot } from '../git.js';
import { chooseLockfile } from '../lockfile/detect.js';
import { loadSnapshot } from '../lockfile/load.js';
import { projectFolder } from '../lockfile/project-folder.js';
import { readSource } from '../lockfile/source.js';
import type { MetadataClient } from '../registry/client.js';
import { deadlineSignal } from '../registry/deadline.js';
import { readRegistryConfig } from '../registry/npmrc.js';
import { RULE_IDS } from '../rules/index.js';
import { decideTrust, npmrcSources, type Env } from '../trust.js';
import type { RegistryFacts } from './registry-facts.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export interface RegistryFactsOptions {
  /** The registry URL, over .npmrc and npm_config_registry (like --registry). */
  readonly registry?: string;
  /** A client of your own instead of depguard's (pacote behind the facts cache and the deadline). */
  readonly client?: MetadataClient;
  /** depguard's facts cache, shared with `audit`; false: none. Ignored with `client`. */
  readonly cache?: CacheOptions | false;
  readonly limits?: Partial<Omit<AuditLimits, 'maxLockfileBytes'>>;
  /** Default AUDIT_DEFAULTS.deadlineMs; ignored with `client`. */
  readonly deadlineMs?: number;
}

export interface SbomOptions {
  readonly cwd: string;
  /** Environment variables, as data: SOURCE_DATE_EPOCH, and for registry facts HOME, XDG_CACHE_HOME, npm_config_*. */
  readonly env?: Env;
  /** The lockfile; default: the project's, found upward from `cwd` as npm finds it. */
  readonly lockfile?: string;
  /** Default: AUDIT_DEFAULTS.maxLockfileBytes. */
  readonly maxLockfileBytes?: number;
  /**
   * Ask the registry, as `audit` does (its registry, scoped registries, credentials and cache),
   * for each package's publisher and provenance. Default: not asked; only the lockfile is read.
   */
  readonly registryFacts?: RegistryFactsOptions;
  /**
   * The same lockfile gives the same bytes: the serial number is derived from the BOM's content,
   * and the timestamp is SOURCE_DATE_EPOCH's, else left out.
   */
  readonly reproducible?: boolean;
  /** When the BOM is made (ms since the epoch); SOURCE_DATE_EPOCH, when set, wins. Default now. */
  readonly now?: number;
  /** Stops registry work (the CLI's Ctrl-C): sbom() then rejects with InterruptedError. */
  readonly signal?: AbortSignal;
}

export interface SbomRun {
  /** The CycloneDX 1.6 JSON document. */
  readonly json: string;
  /** The lockfile read, as messages name it. */
  readonly lockfile: string;
  /** Components listed (the project itself not counted). */
  readonly components: number;
  /** The repository (or project folder): a file written for it must not be linked out of it. */
  readonly root: string;
  /** What the registry gave, when it was asked. */
  readonly registry?: RegistryFacts;
}

/**
 * `depguard sbom`: the locked tree of any supported lockfile as a CycloneDX 1.6 JSON BOM. Reads
 * the lockfile (and the package.json files beside it); asks the registry only with
 * `registryFacts`, and then writes only depguard's cache. Never prints, exits or reads process.env.
 */
export async function sbom(options: SbomOptions): Promise<SbomRun> {
  const { cwd } = options;
  const env = options.env ?? {};
  const timestamp = timestampOf(env, options);
  const folder = options.lockfile ? cwd : await projectFolder(cwd);
  const found = chooseLockfile(cwd, options.lockfile, folder);
  const projectDir = path.dirname(found.file);
  const root = await repoRoot(projectDir).catch(() => projectDir);
  const text = await readSource({ kind: 'file', ...found }, cwd, options.maxLockfileBytes ?? AUDIT_DEFAULTS.maxLockfileBytes, root);
  const snapshot = await loadSnapshot(text);
  const registry = options.registryFacts ? await askRegistry(options, options.registryFacts, env, snapshot.nodes) : undefined;
  if (options.signal?.aborted) throw new InterruptedError();
  // the CycloneDX library is loaded only for this command
  const { buildBom } = await import('./bom.js');
  const { json, components } = buildBom({
    snapshot,
    lockfileName: path.basename(found.file),
    fallbackName: path.basename(projectDir),
    toolVersion: pkg.version,
    ...(registry ? { facts: registry.byLocation } : {}),
    ...(timestamp !== undefined ? { timestamp } : {}),
    serialNumber: options.reproducible ? 'content' : `urn:uuid:${randomUUID()}`,
  });
  return {
    json,
    lockfile: text.label,
    components,
    root,
    ...(registry ? { registry } : {}),
  };
}

/** SOURCE_DATE_EPOCH (reproducible-builds.org), else now unless the BOM is to be reproducible. */
function timestampOf(env: Env, options: SbomOptions): Date | undefined {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d{1,12}$/.test(epoch))
      throw new UsageError(`SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not '${epoch.slice(0, 40)}'`);
    return new Date(Number(epoch) * 1000);
  }
  return options.reproducible ? undefined : new Date(options.now ?? Date.now());
}

/** The registry as `audit` reaches it: the same trust decision for .npmrc, pacote, the deadline and the facts cache. */
async function askRegistry(
  options: SbomOptions,
  asked: RegistryFactsOptions,
  env: Env,
  nodes: Parameters<typeof import('./registry-facts.js').registryFacts>[0],
): Promise<RegistryFacts> {
  const { concurrency, timeoutMs, retries, maxResponseBytes } = { ...AUDIT_DEFAULTS, ...defined(asked.limits ?? {}) };
  const { registryFacts } = await import('./registry-facts.js');
  if (asked.client) return registryFacts(nodes, asked.client, concurrency);
  const trust = await decideTrust({
    command: 'audit',
    cwd: options.cwd,
    env,
    ruleIds: RULE_IDS,
    ...(options.lockfile ? { lockfile: options.lockfile } : {}),
  });
  const config = readRegistryConfig(npmrcSources(trust, env, asked.registry));
  const deadline = deadlineSignal(asked.deadlineMs ?? AUDIT_DEFAULTS.deadlineMs, options.signal);
  const { client, cache } = factsClient(config, { concurrency, timeoutMs, retries, maxResponseBytes }, deadline, {
    options: asked.cache,
    cwd: options.cwd,
    env,
  });
  const facts = await registryFacts(nodes, client, concurrency);
  await cache?.client.flush();
  return facts;
}

/** The entries that are set: an option given as undefined leaves the default in place. */
function defined<T extends object>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import os from 'node:os';
import path from 'node:path';
import pacote from 'pacote';
import { RegistryError } from '../errors.js';
import type { MetadataClient } from './client.js';
import { extractFacts, type PackageFacts } from './facts.js';
import type { RegistryConfig } from './npmrc.js';

export interface PacoteClientOptions {
  readonly config: RegistryConfig;
  /** pacote's on-disk cache (cacache). Not npm's own, so depguard never disturbs npm's. */
  readonly cacheDir: string;
  readonly offline?: boolean;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME ?? path.join(env.HOME ?? os.homedir(), '.cache');
  return path.join(base, 'depguard');
}

/** Full registry documents through pacote, reduced to facts; at most one request per name per run. */
export class PacoteClient implements MetadataClient {
  readonly #options: Record<string, unknown>;
  readonly #inFlight = new Map<string, Promise<PackageFacts>>();

  constructor(options: PacoteClientOptions) {
    this.#options = {
      ...options.config.options,
      registry: options.config.registry,
      cache: path.join(options.cacheDir, '_cacache'),
      fullMetadata: true,
      offline: options.offline ?? false,
      // npm-registry-fetch would otherwise print warnings and auth hints on stderr
      log: silentLog,
    };
  }

  packageFacts(name: string): Promise<PackageFacts> {
    let pending = this.#inFlight.get(name);
    if (!pending) {
      pending = this.#fetch(name);
      this.#inFlight.set(name, pending);
    }
    return pending;
  }

  async #fetch(name: string): Promise<PackageFacts> {
    try {
      const doc = await pacote.packument(name, this.#options as pacote.Options);
      return extractFacts(doc, name);
    } catch (error) {
      throw new RegistryError(name, describeFetchError(error));
    }
  }
}

function describeFetchError(error: unknown): string {
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code === 'E404' || e.statusCode === 404) return 'not found on the registry (404)';
  if (e.code === 'ENOTCACHED') return 'not in the cache (--offline)';
  if (typeof e.statusCode === 'number') return `registry answered HTTP ${e.statusCode}`;
  if (e.code === 'EINTEGRITY') return 'response failed its integrity check';
  if (e.code) return `request failed (${e.code})`;
  return `request failed (${(e.message ?? String(error)).split('\n')[0]})`;
}

const noop = (): void => {};
const silentLog = { error: noop, warn: noop, notice: noop, info: noop, verbose: noop, silly: noop, http: noop, timing: noop, pause: noop, resume: noop };

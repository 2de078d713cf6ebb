import { setTimeout as sleep } from 'node:timers/promises';
import { IntegrityMismatchError, RegistryError } from '../errors.js';
import type { MetadataClient } from './client.js';
import { extractFacts } from './facts.js';
import type { PackageFacts } from '../model.js';
import type { SizeLimitedAgent } from './limited-agent.js';
import { registryFor, type RegistryConfig } from './npmrc.js';

export interface FetchLimits {
  /** Per request, in milliseconds. */
  readonly timeoutMs: number;
  /** Extra attempts after a transient failure (timeout, reset, 5xx, a response cut short). */
  readonly retries: number;
  /** The most bytes one response may bring. */
  readonly maxResponseBytes: number;
}

const DEFAULT_LIMITS: FetchLimits = { timeoutMs: 30_000, retries: 2, maxResponseBytes: 64 * 1024 * 1024 };

export interface PacoteClientOptions {
  readonly config: RegistryConfig;
  readonly limits?: FetchLimits;
  readonly maxSockets?: number;
  /** Aborts every request in flight and any retry: the run's deadline. */
  readonly signal?: AbortSignal;
}

interface Session {
  readonly pacote: typeof import('pacote');
  readonly assertRegistryName: (name: string) => void;
  readonly agent: SizeLimitedAgent;
  readonly options: Record<string, unknown>;
}

/**
 * Full registry documents through pacote, reduced to facts; concurrent asks for one name share one
 * request. Always asks the registry: caching is CachedClient's job.
 */
export class PacoteClient implements MetadataClient {
  readonly #client: PacoteClientOptions;
  readonly #limits: FetchLimits;
  readonly #inFlight = new Map<string, Promise<PackageFacts>>();
  #session: Promise<Session> | undefined;

  constructor(options: PacoteClientOptions) {
    this.#client = options;
    this.#limits = options.limits ?? DEFAULT_LIMITS;
  }

  packageFacts(name: string, versions?: readonly string[]): Promise<PackageFacts> {
    let pending = this.#inFlight.get(name);
    if (!pending) {
      // shared while in flight, forgotten once settled: the client must not keep every package's facts
      pending = this.#fetch(name, versions?.length ? new Set(versions) : undefined).finally(() => this.#inFlight.delete(name));
      this.#inFlight.set(name, pending);
    }
    return pending;
  }

  /** pacote and the HTTP agent are loaded on the first request: a run that needs none starts faster. */
  #open(): Promise<Session> {
    this.#session ??= (async () => {
      const [{ default: pacote }, { registryAgent }, { assertRegistryName }] = await Promise.all([
        import('pacote'),
        import('./limited-agent.js'),
        // npm-package-arg, like pacote, only for a run that asks the registry
        import('./registry-name.js'),
      ]);
      const { config, maxSockets } = this.#client;
      const agent = registryAgent(config, this.#limits, maxSockets);
      const options = {
        ...config.options,
        registry: config.registry,
        // No HTTP disk cache: documents are reduced to facts, and the facts are what depguard
        // caches (CachedClient). Writing whole documents to cacache cost more than fetching them.
        fullMetadata: true,
        // never a lifecycle script, whatever spec reaches pacote
        ignoreScripts: true,
        agent,
        timeout: this.#limits.timeoutMs,
        // retries are ours (below): make-fetch-happen's stop at the headers, a body cut short is not retried
        fetchRetries: 0,
        // npm-registry-fetch would otherwise print warnings and auth hints on stderr
        log: silentLog,
        signal: this.#client.signal,
      };
      return { pacote, assertRegistryName, agent, options };
    })();
    return this.#session;
  }

  async #fetch(name: string, detailFor: ReadonlySet<string> | undefined): Promise<PackageFacts> {
    const session = await this.#open();
    session.assertRegistryName(name);
    return this.#retrying(session, name, `/${name.replace('/', '%2f')}`, async () =>
      extractFacts(await session.pacote.packument(name, session.options as import('pacote').Options), name, detailFor),
    );
  }

  /**
   * The tarball of name@version from the registry that serves the name (its canonical
   * `<registry>/<name>/-/<file>.tgz`, never a URL a lockfile or document names), verified against
   * `integrity` when there is one. Nothing is written anywhere (StoredTarballs keeps them).
   * Rejects with IntegrityMismatchError or RegistryError.
   */
  async tarball(name: string, version: string, integrity: string | null): Promise<Buffer> {
    const session = await this.#open();
    session.assertRegistryName(name);
    const file = `/-/${name.split('/').pop()}-${version}.tgz`;
    const url = `${registryFor(this.#client.config, name)}${name}${file}`;
    const options = {
      ...session.options,
      ...(integrity ? { integrity } : {}),
    } as import('pacote').Options;
    return this.#retrying(session, name, file, async () => {
      try {
        return await session.pacote.tarball(`${name}@${url}`, options);
      } catch (error) {
        const e = error as { code?: string; found?: unknown; expected?: unknown };
        if (e.code === 'EINTEGRITY') throw new IntegrityMismatchError(name, version, String(integrity), String(e.found ?? 'another hash'));
        throw error;
      }
    });
  }

  async #retrying<T>(session: Session, name: string, pathSuffix: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        // a document that is not this package's, a tarball that is not the locked one
        if (error instanceof RegistryError || error instanceof IntegrityMismatchError) throw error;
        if (this.#client.signal?.aborted) throw new RegistryError(name, 'request abandoned');
        const failure = this.#describe(session.agent, pathSuffix, error);
        if (!failure.transient || attempt >= this.#limits.retries) throw new RegistryError(name, failure.reason);
        await sleep(250 * 2 ** attempt, undefined, { signal: this.#client.signal }).catch(() => undefined);
      }
    }
  }

  #describe(agent: SizeLimitedAgent, pathSuffix: string, error: unknown): { reason: string; transient: boolean } {
    const e = error as { code?: string; statusCode?: number; type?: string; message?: string };
    if (agent.wasCutOff(pathSuffix)) {
      return {
        reason: `response larger than the ${(this.#limits.maxResponseBytes / 1024 / 1024).toFixed(0)} MB limit (--max-response-size)`,
        transient: false,
      };
    }
    if (e.code === 'E404' || e.statusCode === 404) return { reason: 'not found on the registry (404)', transient: false };
    if (typeof e.statusCode === 'number')
      return {
        reason: `registry answered HTTP ${e.statusCode}`,
        transient: e.statusCode >= 500 || e.statusCode === 408 || e.statusCode === 429,
      };
    if (e.code === 'EJSONPARSE' || e.type === 'invalid-json') return { reason: 'registry sent invalid JSON', transient: true };
    if (e.type === 'request-timeout' || /TIMEOUT|ETIMEDOUT/.test(e.code ?? ''))
      return { reason: `no answer within ${this.#limits.timeoutMs / 1000}s (--timeout)`, transient: true };
    if (
      e.code === 'ECONNRESET' ||
      e.code === 'ECONNREFUSED' ||
      e.code === 'EPIPE' ||
      e.type === 'system' ||
      /premature close|aborted/i.test(e.message ?? '')
    ) {
      return { reason: `connection failed (${e.code ?? 'cut short'})`, transient: true };
    }
    if (e.code) return { reason: `request failed (${e.code})`, transient: false };
    return { reason: 'request failed', transient: false };
  }
}

const noop = (): void => {};
const silentLog = {
  error: noop,
  warn: noop,
  notice: noop,
  info: noop,
  verbose: noop,
  silly: noop,
  http: noop,
  timing: noop,
  pause: noop,
  resume: noop,
};

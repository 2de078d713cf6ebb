import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AdvisoryView } from '../model.js';
import { BULK_ADVISORY_PATH, bulkBodies, readBulkResponse } from './advisories.js';
import type { SizeLimitedAgent } from './limited-agent.js';
import { authorizationFor, registryFor, type RegistryConfig } from './npmrc.js';
import type { FetchLimits } from './pacote-client.js';

/** Where the run's advisories come from. */
export interface AdvisorySource {
  /**
   * The advisories for each name (the versions are those the run locks, sent as npm sends them):
   * every name asked gets an answer, its advisories or why the check could not be made. Known
   * failures never reject.
   */
  advisories(wanted: ReadonlyMap<string, readonly string[]>): Promise<Map<string, AdvisoryView>>;
}

export interface BulkAdvisoryOptions {
  readonly config: RegistryConfig;
  readonly limits: FetchLimits;
  readonly maxSockets?: number;
  /** Aborts the requests in flight and any retry: the run's deadline. */
  readonly signal?: AbortSignal;
}

interface Answer {
  readonly status: number;
  readonly encoding: string | undefined;
  readonly body: Buffer;
}

/** A failure that says why, and whether asking again may help. */
class Failed {
  constructor(
    readonly reason: string,
    readonly transient: boolean,
    /** No endpoint at this registry: its other requests are not sent. */
    readonly noEndpoint = false,
  ) {}
}

/**
 * npm's bulk advisory endpoint, asked as `npm audit` asks it, at the registry each name resolves
 * to (the scoped registry for `@scope/` names), with that registry's credentials, TLS, proxy
 * and limits: the same rules as the metadata requests (pacote-client.ts). Nothing is sent
 * anywhere else. Large trees go in several requests (bulkBodies), one at a time per registry.
 */
export class BulkAdvisoryClient implements AdvisorySource {
  readonly #options: BulkAdvisoryOptions;
  #agent: Promise<SizeLimitedAgent> | undefined;

  constructor(options: BulkAdvisoryOptions) {
    this.#options = options;
  }

  async advisories(wanted: ReadonlyMap<string, readonly string[]>): Promise<Map<string, AdvisoryView>> {
    const byRegistry = new Map<string, Map<string, readonly string[]>>();
    for (const [name, versions] of wanted) {
      const registry = registryFor(this.#options.config, name);
      const names = byRegistry.get(registry) ?? new Map<string, readonly string[]>();
      names.set(name, versions);
      byRegistry.set(registry, names);
    }
    const out = new Map<string, AdvisoryView>();
    await Promise.all(
      [...byRegistry].map(async ([registry, names]) => {
        let missing: Failed | undefined;
        for (const body of bulkBodies(names)) {
          const asked = Object.keys(body);
          const answer = missing ?? (await this.#ask(registry, body));
          if (answer instanceof Failed) {
            if (answer.noEndpoint) missing = answer;
            for (const name of asked) out.set(name, { unavailable: answer.reason });
          } else for (const name of asked) out.set(name, answer.get(name)!);
        }
      }),
    );
    return out;
  }

  #open(): Promise<SizeLimitedAgent> {
    this.#agent ??= import('./limited-agent.js').then(({ registryAgent }) =>
      registryAgent(this.#options.config, this.#options.limits, this.#options.maxSockets),
    );
    return this.#agent;
  }

  async #ask(registry: string, body: Record<string, string[]>): Promise<Map<string, AdvisoryView> | Failed> {
    const { limits, signal } = this.#options;
    const host = new URL(registry).host;
    for (let attempt = 0; ; attempt++) {
      const result = await this.#post(registry, body).then(
        (answer) => read(answer, host, Object.keys(body), limits.maxResponseBytes),
        (error: unknown) => describe(error, host, limits),
      );
      if (signal?.aborted) return new Failed(`the advisory request to ${host} was abandoned`, false);
      if (!(result instanceof Failed) || !result.transient || attempt >= limits.retries) return result;
      await sleep(250 * 2 ** attempt, undefined, { signal }).catch(() => undefined);
    }
  }

  async #post(registry: string, body: Record<string, string[]>): Promise<Answer> {
    const agent = await this.#open();
    const { limits, signal, config } = this.#options;
    const url = new URL(BULK_ADVISORY_PATH, registry);
    const payload = gzipSync(JSON.stringify(body));
    const authorization = authorizationFor(config, url.toString());
    const headers: http.OutgoingHttpHeaders = {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'content-length': payload.length,
      accept: 'application/json',
      'accept-encoding': 'gzip',
      ...(authorization ? { authorization } : {}),
    };
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<Answer>((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers, ...(signal ? { signal } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limits.maxResponseBytes) {
            res.destroy();
            reject(Object.assign(new Error('response too large'), { code: 'ERESPONSETOOLARGE' }));
          } else chunks.push(chunk);
        });
        res.on('end', () => {
          const encoding = res.headers['content-encoding'];
          resolve({ status: res.statusCode ?? 0, encoding, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      });
      req.setTimeout(limits.timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(payload);
    });
  }
}

/** The endpoint's answer, read; anything that is not its list is a failure with its cause. */
function read(answer: Answer, host: string, asked: readonly string[], maxBytes: number): Map<string, AdvisoryView> | Failed {
  const { status } = answer;
  if (status === 404 || status === 405 || status === 501)
    return new Failed(`the registry at ${host} has no advisory endpoint (HTTP ${status})`, false, true);
  if (status === 401 || status === 403) return new Failed(`the registry at ${host} refused the advisory request (HTTP ${status})`, false);
  if (status < 200 || status >= 300)
    return new Failed(`the advisory endpoint at ${host} answered HTTP ${status}`, status >= 500 || status === 408 || status === 429);
  let json: unknown;
  try {
    const text = answer.encoding === 'gzip' ? gunzipSync(answer.body, { maxOutputLength: maxBytes }) : answer.body;
    json = JSON.parse(text.toString('utf8'));
  } catch {
    return new Failed(`the registry at ${host} has no advisory endpoint (its answer is not JSON)`, false, true);
  }
  return (
    readBulkResponse(json, asked) ??
    new Failed(`the registry at ${host} has no advisory endpoint (its answer is not an advisory list)`, false, true)
  );
}

function describe(error: unknown, host: string, limits: FetchLimits): Failed {
  const code = (error as { code?: string }).code;
  if (code === 'ERESPONSETOOLARGE')
    return new Failed(
      `the advisory answer from ${host} was larger than the ${(limits.maxResponseBytes / 1024 / 1024).toFixed(0)} MB limit (--max-response-size)`,
      false,
    );
  if (code === 'ETIMEDOUT')
    return new Failed(`the advisory endpoint at ${host} did not answer within ${limits.timeoutMs / 1000}s (--timeout)`, true);
  if (code === 'ABORT_ERR') return new Failed(`the advisory request to ${host} was abandoned`, false);
  return new Failed(`the advisory request to ${host} failed (${code ?? 'connection cut short'})`, true);
}

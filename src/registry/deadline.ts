import { setMaxListeners } from 'node:events';
import { RegistryError } from '../errors.js';
import type { MetadataClient } from './client.js';
import type { PackageFacts } from '../model.js';

/** The reason given for every package the run could not judge in time. */
export const DEADLINE_PASSED = 'deadline passed';

/**
 * A signal that aborts `ms` from now, or when `interrupt` aborts (the caller stopping the run);
 * every request in flight listens to it.
 */
export function deadlineSignal(ms: number, interrupt?: AbortSignal): AbortSignal {
  const signal = interrupt ? AbortSignal.any([AbortSignal.timeout(ms), interrupt]) : AbortSignal.timeout(ms);
  setMaxListeners(0, signal); // one listener per request in flight, however many
  return signal;
}

/**
 * Registry work stops at the run's deadline: a request outstanding then, or asked for later,
 * fails at once, so every package not judged by then is listed as could-not-check and the run
 * ends. The same signal aborts the requests themselves (PacoteClient), so a registry that
 * trickles bytes forever holds nothing open.
 */
export class DeadlineClient implements MetadataClient {
  constructor(
    private readonly inner: MetadataClient,
    private readonly signal: AbortSignal,
  ) {}

  packageFacts(name: string, versions?: readonly string[]): Promise<PackageFacts> {
    const { signal } = this;
    if (signal.aborted) return Promise.reject(new RegistryError(name, DEADLINE_PASSED));
    return new Promise((resolve, reject) => {
      const stop = (): void => reject(new RegistryError(name, DEADLINE_PASSED));
      signal.addEventListener('abort', stop, { once: true });
      this.inner
        .packageFacts(name, versions)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', stop));
    });
  }
}

import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { Agent } from '@npmcli/agent';
import type { RegistryConfig } from './npmrc.js';

/**
 * npm's own HTTP agent (proxies, TLS, timeouts) with a ceiling on the bytes one response may
 * bring: past it the socket is destroyed, so a hostile registry cannot make pacote buffer an
 * endless document. Requests cut off this way are remembered by path, so the error can say why.
 */
export class SizeLimitedAgent extends Agent {
  readonly #maxBytes: number;
  readonly #cutOff = new Set<string>();

  constructor(options: Record<string, unknown>, maxBytes: number) {
    super(options);
    this.#maxBytes = maxBytes;
  }

  wasCutOff(pathSuffix: string): boolean {
    const wanted = pathSuffix.toLowerCase();
    return [...this.#cutOff].some((p) => p.toLowerCase().split('?')[0]!.endsWith(wanted));
  }

  override addRequest(req: ClientRequest, options: unknown): void {
    req.once('socket', (socket: Socket) => {
      let received = 0;
      const count = (chunk: Buffer): void => {
        received += chunk.length;
        if (received > this.#maxBytes) {
          this.#cutOff.add(req.path);
          socket.off('data', count);
          socket.destroy(Object.assign(new Error('response too large'), { code: 'ERESPONSETOOLARGE' }));
        }
      };
      socket.on('data', count);
      req.once('close', () => socket.off('data', count));
    });
    super.addRequest(req, options);
  }
}

/** The agent for a registry's configuration: its TLS and proxy settings, the run's timeout and response ceiling. */
export function registryAgent(
  config: RegistryConfig,
  limits: { readonly timeoutMs: number; readonly maxResponseBytes: number },
  maxSockets: number | undefined,
): SizeLimitedAgent {
  const tls = config.options;
  return new SizeLimitedAgent(
    {
      ca: tls.ca,
      strictSSL: tls.strictSSL,
      proxy: tls.proxy,
      noProxy: tls.noProxy,
      maxSockets: maxSockets ?? 16,
      timeout: limits.timeoutMs,
    },
    limits.maxResponseBytes,
  );
}

import http from 'node:http';
import { loadDocuments } from '../../scripts/fixture-registry.mjs';
import { fixture } from './cli.js';

export interface Recorder {
  readonly url: string;
  readonly requests: Array<{ path: string; authorization?: string; host?: string }>;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that records every request and answers with `respond` (a 404 when
 * it returns nothing): a registry that misbehaves in a precise way, or an "attacker" server that
 * must never be asked anything.
 */
export async function startRecorder(
  respond: (path: string, req: http.IncomingMessage, res: http.ServerResponse) => boolean | undefined = () => false,
): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push({ path: decodeURIComponent(url.pathname), authorization: req.headers.authorization, host: req.headers.host });
    if (respond(decodeURIComponent(url.pathname), req, res) === true) return;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The event-stream fixture registry, with `overrides` answering for some names with a raw body. */
export function eventStreamRegistry(overrides: Readonly<Record<string, string>> = {}): Promise<Recorder> {
  const docs = loadDocuments(fixture('event-stream', 'registry'));
  return startRecorder((name, _req, res) => {
    const body = Object.hasOwn(overrides, name.slice(1))
      ? overrides[name.slice(1)]
      : docs.has(name.slice(1))
        ? JSON.stringify(docs.get(name.slice(1)))
        : undefined;
    if (body === undefined) return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
    return true;
  });
}

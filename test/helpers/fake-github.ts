import http from 'node:http';

interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: 'Bot' | 'User' };
}

export interface FakeGithub {
  /** The API base URL, under a GHES-like path prefix so that paths are seen to be kept. */
  readonly url: string;
  readonly token: string;
  /** The pull request's comments, oldest first, as the API would list them. */
  readonly comments: FakeComment[];
  readonly requests: Array<{ method: string; path: string; authorization: string | undefined }>;
  /** Answer every request with this status and message instead (a token without permission). */
  refuseWith: { status: number; message: string } | null;
  /** Answer every request with a redirect to this URL instead. */
  redirectTo: string | null;
  close(): Promise<void>;
}

const PREFIX = '/api/v3';

/**
 * GitHub's REST API for issue comments, as far as depguard uses it, on 127.0.0.1: one
 * repository (`owner/repo`), comments listed page by page (`per_page`, `page`), created and
 * edited; the token is checked on every call, and a person's comment cannot be edited.
 */
export async function startFakeGithub(): Promise<FakeGithub> {
  let nextId = 1000;
  const fake: Omit<FakeGithub, 'url' | 'close'> = {
    token: 'ghs_faketoken123',
    comments: [],
    requests: [],
    refuseWith: null,
    redirectTo: null,
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      fake.requests.push({ method: req.method ?? '', path: url.pathname + url.search, authorization: req.headers.authorization });
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (fake.redirectTo !== null) {
        res.writeHead(302, { location: fake.redirectTo });
        res.end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${fake.token}`) return send(401, { message: 'Bad credentials' });
      if (fake.refuseWith) return send(fake.refuseWith.status, { message: fake.refuseWith.message });
      const list = /^\/api\/v3\/repos\/owner\/repo\/issues\/(\d+)\/comments$/.exec(url.pathname);
      const one = /^\/api\/v3\/repos\/owner\/repo\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (list && req.method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        return send(200, fake.comments.slice((page - 1) * perPage, page * perPage));
      }
      if (list && req.method === 'POST') {
        const comment: FakeComment = { id: nextId++, body: JSON.parse(raw).body, user: { login: 'github-actions[bot]', type: 'Bot' } };
        fake.comments.push(comment);
        return send(201, comment);
      }
      if (one && req.method === 'PATCH') {
        const comment = fake.comments.find((c) => c.id === Number(one[1]));
        if (!comment) return send(404, { message: 'Not Found' });
        if (comment.user.type !== 'Bot') return send(403, { message: 'Resource not accessible by integration' });
        comment.body = JSON.parse(raw).body;
        return send(200, comment);
      }
      send(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}${PREFIX}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

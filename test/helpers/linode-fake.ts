// A fake Linode API: a real HTTP server on 127.0.0.1 (an ephemeral port) serving the endpoints
// ts-play calls under /v4 and /v4beta, with Linode's response shapes (pages: page, pages,
// results, data; errors: { errors: [{ reason, field }] }), bearer tokens with OAuth scopes, and
// request bodies checked by @linode/validation's schemas, as the API checks them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { shareAddressesSchema } from './linode-schemas.ts';
import type { FakeAccount } from './linode-account.ts';

export interface Fault {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Hold the answer this long (a timeout test); with status 0 the request is never answered. */
  delayMs?: number;
}

export interface Seen {
  method: string;
  /** The path without /v4 or /v4beta. */
  path: string;
  query: Record<string, string>;
  body?: unknown;
  authorization?: string;
}

type Route = { method: string; re: RegExp; scopes: string[]; handle: (m: RegExpExecArray, req: Seen) => { status: number; body: unknown } };

const ALL_SCOPES = ['linodes:read_write', 'ips:read_write'];

/** `linodes:read_write` grants `linodes:read_only` too, as in Linode's token model. */
function granted(have: string[], need: string): boolean {
  const [area, level] = need.split(':');
  return have.includes(need) || (level === 'read_only' && have.includes(`${area}:read_write`)) || have.includes('*');
}

export class FakeLinodeApi {
  readonly seen: Seen[] = [];
  private readonly faults: Array<{ match: (s: Seen) => boolean; fault: Fault }> = [];
  private readonly tokens = new Map<string, string[]>();
  private server: Server | null = null;
  url = '';

  constructor(readonly account: FakeAccount, token = 'fake-token-0123456789abcdef', scopes = ALL_SCOPES) {
    this.tokens.set(token, scopes);
  }

  addToken(token: string, scopes: string[]): void {
    this.tokens.set(token, scopes);
  }

  /** The next `times` requests that `match` accepts get this answer instead of the real one. */
  fault(match: (s: Seen) => boolean, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ match, fault });
  }

  writes(): Seen[] {
    return this.seen.filter((s) => s.method !== 'GET');
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private routes(): Route[] {
    const acc = this.account;
    const inst = (m: RegExpExecArray) => acc.byId(Number(m[1]));
    const notFound = { status: 404, body: { errors: [{ reason: 'Not found' }] } };
    const RO = ['linodes:read_only'];
    return [
      { method: 'GET', re: /^\/linode\/instances$/, scopes: RO, handle: () => ({ status: 200, body: acc.instances.map(publicView) }) },
      { method: 'GET', re: /^\/linode\/instances\/(\d+)$/, scopes: RO, handle: (m) => (inst(m) ? { status: 200, body: publicView(inst(m)!) } : notFound) },
      { method: 'GET', re: /^\/linode\/instances\/(\d+)\/ips$/, scopes: RO, handle: (m) => (inst(m) ? { status: 200, body: acc.ips(inst(m)!) } : notFound) },
      { method: 'GET', re: /^\/linode\/instances\/(\d+)\/configs$/, scopes: RO, handle: (m) => (inst(m) ? { status: 200, body: inst(m)!.configs } : notFound) },
      {
        method: 'GET',
        re: /^\/linode\/instances\/(\d+)\/interfaces$/,
        scopes: RO,
        handle: (m) => (inst(m)?.linodeInterfaces ? { status: 200, body: { interfaces: inst(m)!.linodeInterfaces } } : { status: 400, body: { errors: [{ reason: 'Linode does not use Linode Interfaces' }] } }),
      },
      {
        method: 'GET',
        re: /^\/networking\/ipv6\/ranges$/,
        scopes: ['ips:read_only'],
        handle: () => ({ status: 200, body: [...acc.ranges].map(([range, r]) => ({ range, prefix: r.prefix, region: r.region, route_target: null })) }),
      },
      {
        method: 'GET',
        re: /^\/networking\/ipv6\/ranges\/([^/]+)$/,
        scopes: ['ips:read_only'],
        handle: (m) => {
          const r = acc.ranges.get(decodeURIComponent(m[1]!));
          return r ? { status: 200, body: { range: decodeURIComponent(m[1]!), prefix: r.prefix, region: r.region, is_bgp: r.linodes.length > 1, linodes: r.linodes } } : notFound;
        },
      },
      {
        method: 'POST',
        re: /^\/networking\/ips\/share$/,
        scopes: ['ips:read_write', 'linodes:read_write'],
        handle: (_m, req) => {
          try {
            shareAddressesSchema.validateSync(req.body, { abortEarly: false, strict: true });
          } catch (e) {
            return { status: 400, body: { errors: (e as { inner: Array<{ path?: string; message: string }> }).inner.map((i) => ({ field: i.path, reason: i.message })) } };
          }
          const { linode_id, ips = [] } = req.body as { linode_id: number; ips?: string[] };
          const problems = acc.shareProblems(linode_id, ips);
          if (problems.length) return { status: 400, body: { errors: problems.map((p) => ({ field: p.split(':')[0], reason: p.slice(p.indexOf(':') + 2) })) } };
          acc.shared.set(linode_id, [...ips]);
          return { status: 200, body: {} };
        },
      },
    ];
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const seen: Seen = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/v4(beta)?(?=\/)/, ''),
      query: Object.fromEntries(url.searchParams),
      ...(text ? { body: JSON.parse(text) } : {}),
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    };
    this.seen.push(seen);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (!/^\/v4(beta)?\//.test(url.pathname)) return send(404, { errors: [{ reason: 'Not found' }] });
    const at = this.faults.findIndex((f) => f.match(seen));
    if (at >= 0) {
      const { fault } = this.faults.splice(at, 1)[0]!;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.status === 0) return void res.destroy();
      return send(fault.status, fault.body ?? { errors: [{ reason: `fault ${fault.status}` }] }, fault.headers);
    }
    const scopes = this.tokens.get((seen.authorization ?? '').replace(/^Bearer /, ''));
    if (!scopes) return send(401, { errors: [{ reason: 'Invalid Token' }] });
    const route = this.routes().find((r) => r.method === seen.method && r.re.test(seen.path));
    if (!route) return send(404, { errors: [{ reason: 'Not found' }] });
    if (!route.scopes.every((s) => granted(scopes, s))) return send(403, { errors: [{ reason: 'Unauthorized' }] });
    const out = route.handle(route.re.exec(seen.path)!, seen);
    if (out.status === 200 && Array.isArray(out.body)) return this.page(out.body, seen, send);
    send(out.status, out.body);
  }

  /** Linode's pagination: page_size 25..500 (default 100), page from 1. */
  private page(all: unknown[], seen: Seen, send: (s: number, b: unknown) => void): void {
    const size = seen.query.page_size ? Number(seen.query.page_size) : 100;
    if (!Number.isInteger(size) || size < 25 || size > 500) return send(400, { errors: [{ field: 'page_size', reason: 'Must be between 25 and 500' }] });
    const pages = Math.max(1, Math.ceil(all.length / size));
    const page = seen.query.page ? Number(seen.query.page) : 1;
    if (!Number.isInteger(page) || page < 1 || page > pages) return send(400, { errors: [{ field: 'page', reason: `Must be between 1 and ${pages}` }] });
    send(200, { data: all.slice((page - 1) * size, page * size), page, pages, results: all.length });
  }
}

/** An instance as GET /linode/instances shows it, without the fake's own bookkeeping. */
function publicView(i: FakeAccount['instances'][number]): unknown {
  const { configs: _c, linodeInterfaces: _l, ...rest } = i;
  return rest;
}

export async function startFake(account: FakeAccount, token?: string, scopes?: string[]): Promise<FakeLinodeApi> {
  return new FakeLinodeApi(account, token, scopes).start();
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { registerSecret } from '../vault/redact.ts';
import { LinodeApiError, reasons, unauthorized, type LinodeToken, type RequestDesc } from './errors.ts';
import { apiV4, type ResourcePage } from './v4.ts';

export const LINODE_API_URL = 'https://api.linode.com';
/** The largest page the API serves: 600 instances cost two requests. */
export const PAGE_SIZE = 500;

export interface ClientOptions {
  token: LinodeToken;
  /** Scheme and host the client's URLs are sent to (the tests' fake API); the /v4 paths stay. */
  apiUrl?: string;
  /** One request's limit. */
  timeoutMs?: number;
  /** Total time a call may spend waiting to retry (429, 5xx): a bounded wait, never an endless one. */
  retryBudgetMs?: number;
  maxAttempts?: number;
  /** First backoff when the API gives no Retry-After; doubled on each retry, capped at 16 s. */
  backoffMs?: number;
}

interface CallContext {
  token: string;
  apiUrl: string;
  timeoutMs: number;
}

// api-v4 sends every call through one shared axios instance whose setToken() adds an interceptor
// that can never be told apart or removed, and whose URLs are fixed to api.linode.com. One
// interceptor of ours reads the token, the API URL and the timeout from the calling client's
// async context instead, so two clients (the inventory's, a role's, a test's fake) never see
// each other's settings, and the token lives in no global.
const context = new AsyncLocalStorage<CallContext>();
const LOOPBACK = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;
let installed: Promise<void> | undefined;

function install(): Promise<void> {
  installed ??= apiV4().then(({ baseRequest }) => void baseRequest.interceptors.request.use((config) => {
    const ctx = context.getStore();
    if (!ctx) throw new Error('a Linode API call was made outside LinodeClient.call()');
    if (config.url) config.url = config.url.replace(/^https:\/\/api\.linode\.com(?=\/)/, ctx.apiUrl);
    // axios honours http(s)_proxy; no proxy can reach this machine's loopback, where a test's fake API runs.
    if (LOOPBACK.test(ctx.apiUrl)) config.proxy = false;
    config.timeout = ctx.timeoutMs;
    config.headers.set('Authorization', `Bearer ${ctx.token}`);
    return config;
  }));
  return installed;
}

interface AxiosLikeError {
  isAxiosError: true;
  code?: string;
  message: string;
  config?: { method?: string; url?: string; params?: Record<string, unknown>; data?: unknown };
  response?: { status: number; statusText?: string; data?: unknown; headers?: Record<string, unknown> & { get?: (k: string) => unknown } };
}

function isAxiosError(e: unknown): e is AxiosLikeError {
  return typeof e === 'object' && e !== null && (e as { isAxiosError?: unknown }).isAxiosError === true;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: unknown, now = Date.now()): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Runs api-v4 calls with the token, API URL and timeout of this client, and a careful retry policy. */
export class LinodeClient {
  private readonly ctx: CallContext;
  readonly token: LinodeToken;
  private readonly budgetMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  constructor(opts: ClientOptions) {
    registerSecret(opts.token.value);
    this.token = opts.token;
    this.ctx = { token: opts.token.value, apiUrl: (opts.apiUrl ?? LINODE_API_URL).replace(/\/+$/, ''), timeoutMs: opts.timeoutMs ?? 30_000 };
    this.budgetMs = opts.retryBudgetMs ?? 60_000;
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.backoffMs = opts.backoffMs ?? 1000;
  }

  get apiUrl(): string {
    return this.ctx.apiUrl;
  }

  /** One api-v4 call: 429 and 5xx are retried within the budget, everything else fails at once with a clear message. */
  async call<T>(desc: RequestDesc, fn: () => Promise<T>): Promise<T> {
    await install();
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await context.run(this.ctx, fn);
      } catch (e) {
        const wait = this.retryWait(e, attempt, Date.now() - started);
        if (typeof wait !== 'number') throw this.failure(e, desc, wait);
        await sleep(wait);
      }
    }
  }

  /** Every page of a listing, page 1 to `pages`, at the largest page size. */
  async all<T>(desc: RequestDesc, fetchPage: (params: { page: number; page_size: number }) => Promise<ResourcePage<T>>): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1, pages = 1; page <= pages; page++) {
      const r = await this.call({ ...desc, what: `${desc.what}?page=${page}` }, () => fetchPage({ page, page_size: PAGE_SIZE }));
      out.push(...r.data);
      pages = r.pages;
    }
    return out;
  }

  /** Milliseconds to wait before the next attempt, or why there is none. */
  private retryWait(e: unknown, attempt: number, elapsed: number): number | string {
    if (!isAxiosError(e) || !e.response) return 'no retry';
    const status = e.response.status;
    if (status !== 429 && status < 500) return 'no retry';
    if (attempt >= this.maxAttempts) return `gave up after ${attempt} attempts`;
    const header = e.response.headers?.get?.('retry-after') ?? e.response.headers?.['retry-after'];
    const asked = retryAfterMs(header);
    const wait = asked ?? Math.min(this.backoffMs * 2 ** (attempt - 1), 16_000);
    const left = this.budgetMs - elapsed;
    if (wait > left) {
      const why = asked !== undefined ? `Retry-After asks for ${Math.ceil(asked / 1000)} s` : `the next backoff is ${Math.ceil(wait / 1000)} s`;
      return `gave up after ${attempt} attempt${attempt > 1 ? 's' : ''}: ${why}, more than the ${Math.round(left / 1000)} s left of the ${Math.round(this.budgetMs / 1000)} s retry budget`;
    }
    return wait;
  }

  private failure(e: unknown, desc: RequestDesc, note: string): LinodeApiError {
    if (Array.isArray(e)) {
      // api-v4 checks a body against @linode/validation before sending and rejects with APIError[].
      return new LinodeApiError(`${desc.what}: refused before sending: ${reasons({ errors: e }, 'invalid request')}`, desc.what);
    }
    if (!isAxiosError(e)) return new LinodeApiError(`${desc.what}: ${(e as Error).message}`, desc.what);
    const request = this.describe(e, desc);
    const r = e.response;
    if (!r) {
      if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT') {
        return new LinodeApiError(`${request}: no answer within ${this.ctx.timeoutMs / 1000} s (timeout); a write may or may not have been applied: the next run reads the state again`, request);
      }
      return new LinodeApiError(`${request}: ${e.code ?? 'network error'}: ${e.message}`, request);
    }
    const why = reasons(r.data, r.statusText || 'error');
    if (r.status === 401 || r.status === 403) return unauthorized(request, r.status, why, this.token, desc);
    const tail = note === 'no retry' ? '' : ` (${note})`;
    return new LinodeApiError(`${request}: ${r.status} ${why}${tail}`, request, r.status);
  }

  private describe(e: AxiosLikeError, desc: RequestDesc): string {
    const c = e.config;
    if (!c?.url) return desc.what;
    const path = c.url.startsWith(this.ctx.apiUrl) ? c.url.slice(this.ctx.apiUrl.length) : c.url;
    const query = c.params ? Object.entries(c.params).map(([k, v]) => `${k}=${String(v)}`).join('&') : '';
    const body = typeof c.data === 'string' && c.data.length < 300 ? ` ${c.data}` : '';
    return `${(c.method ?? 'get').toUpperCase()} ${path}${query ? `?${query}` : ''}${body}`;
  }
}

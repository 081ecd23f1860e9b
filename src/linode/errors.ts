import { EXIT_FAILED, TsPlayError } from '../base/errors.ts';
/**
 * A Linode API call that failed for good (after any retries). The message names the request and
 * says what an operator can do about it; it never holds the token or a request header, and every
 * sink redacts it anyway because the token is registered as a secret.
 */
export class LinodeApiError extends TsPlayError {
  constructor(
    message: string,
    /** The request as shown to the user: `GET /v4/linode/instances/12/ips`. */
    readonly request: string,
    readonly status?: number,
  ) {
    // A remote service refused or failed, as a host would: the run failed, input was fine.
    super(message, { exitCode: EXIT_FAILED });
  }
}

/** Where the token came from, as the user would look for it. */
export interface LinodeToken {
  value: string;
  /** "LINODE_TOKEN (environment)", "variable linode_token (vault/linode.yml:2)". */
  origin: string;
}

/** What a call needs from the token, named in Linode's OAuth scope terms. */
export interface RequestDesc {
  /** Shown when the call fails before axios has a URL for it (client-side validation). */
  what: string;
  scopes: string[];
}

interface ApiErrorBody {
  errors?: Array<{ reason?: string; field?: string }>;
}

/** Linode's error bodies hold `errors: [{ reason, field }]`; anything else is shown as its status text. */
export function reasons(data: unknown, fallback: string): string {
  const list = (data as ApiErrorBody | null)?.errors;
  if (!Array.isArray(list) || list.length === 0) return fallback;
  return list.map((e) => (e.field ? `${e.field}: ${e.reason ?? '?'}` : (e.reason ?? '?'))).join('; ');
}

export function unauthorized(request: string, status: 401 | 403, why: string, token: LinodeToken, desc: RequestDesc): LinodeApiError {
  const scopes = desc.scopes.join(' and ');
  const text =
    status === 401
      ? `the Linode API did not accept the token from ${token.origin} (expired, revoked or mistyped): create a personal access token with ${scopes}`
      : `the token from ${token.origin} lacks what this call needs: scope ${scopes} (a token's scopes are fixed when it is created: make a new one with them), or the token's user is restricted and has no read_write grant for this Linode`;
  return new LinodeApiError(`${request}: ${status} ${why}: ${text}`, request, status);
}

import { registerSecret } from '../vault/redact.ts';
import type { LinodeToken } from './errors.ts';

export const TOKEN_ENV = 'LINODE_TOKEN';

/**
 * The token a variable holds (from a vault, typically), else $LINODE_TOKEN: an explicit setting
 * wins over the environment, as in Linode's own tools. Registered for redaction either way, so
 * a token that came in as a plain variable or from the environment is scrubbed like a vaulted
 * value. Undefined when neither is set.
 */
export function findToken(value: unknown, origin: string, env: NodeJS.ProcessEnv = process.env): LinodeToken | undefined {
  const fromVar = typeof value === 'string' ? value.trim() : '';
  const fromEnv = env[TOKEN_ENV]?.trim() ?? '';
  const token = fromVar ? { value: fromVar, origin } : fromEnv ? { value: fromEnv, origin: `${TOKEN_ENV} (environment)` } : undefined;
  if (token) registerSecret(token.value);
  return token;
}

// The registry lives in src/base/redact.ts so that every layer can redact before it escapes or
// cuts text; the vault registers what it decrypts through this, its historical home.
export { REDACTED, registerSecret, redact, redactDeep, clearSecrets, clip } from '../base/redact.ts';

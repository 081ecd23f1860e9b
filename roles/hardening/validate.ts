import { confirmTimeout, wholeNumber } from 'ts-play';
import type { HardeningVars } from './defaults.ts';

const USER = /^[a-z_][a-z0-9_-]*[$]?$/;
const UNIT = /^[A-Za-z0-9@._-]+$/;

export function validateHardening(v: HardeningVars): string[] {
  const e: string[] = [];
  if (!['no', 'prohibit-password', 'forced-commands-only'].includes(v.hardening_ssh_permit_root_login)) {
    e.push(`hardening_ssh_permit_root_login must be no, prohibit-password or forced-commands-only (password logins stay off), got ${JSON.stringify(v.hardening_ssh_permit_root_login)}`);
  }
  e.push(...wholeNumber('hardening_ssh_max_auth_tries', v.hardening_ssh_max_auth_tries, 1, 10));
  e.push(...wholeNumber('hardening_ssh_client_alive_interval', v.hardening_ssh_client_alive_interval, 0, 3600));
  e.push(...wholeNumber('hardening_ssh_client_alive_count_max', v.hardening_ssh_client_alive_count_max, 0, 100));
  if (!['QUIET', 'FATAL', 'ERROR', 'INFO', 'VERBOSE', 'DEBUG', 'DEBUG1', 'DEBUG2', 'DEBUG3'].includes(v.hardening_ssh_log_level)) e.push(`hardening_ssh_log_level is not an sshd LogLevel: ${JSON.stringify(v.hardening_ssh_log_level)}`);
  for (const u of v.hardening_ssh_allow_users) if (typeof u !== 'string' || !USER.test(u)) e.push(`hardening_ssh_allow_users: ${JSON.stringify(u)} is not a user name`);
  e.push(...confirmTimeout('hardening_ssh_confirm_timeout', v.hardening_ssh_confirm_timeout));
  for (const [i, p] of v.hardening_root_only.entries()) {
    if (typeof p?.path !== 'string' || !p.path.startsWith('/') || p.path.includes('..')) e.push(`hardening_root_only[${i}].path must be an absolute path, got ${JSON.stringify(p?.path)}`);
    if (typeof p?.mode !== 'string' || !/^0?[0-7]00$/.test(p.mode)) e.push(`hardening_root_only[${i}].mode must give nothing to group and others (e.g. 0600, 0700), got ${JSON.stringify(p?.mode)}`);
  }
  for (const s of v.hardening_root_owned_scripts) if (typeof s !== 'string' || !s.startsWith('/') || s.includes('..')) e.push(`hardening_root_owned_scripts: ${JSON.stringify(s)} is not an absolute path`);
  for (const u of v.hardening_sandbox_units) if (typeof u !== 'string' || !UNIT.test(u)) e.push(`hardening_sandbox_units: ${JSON.stringify(u)} is not a unit name`);
  e.push(...wholeNumber('hardening_lynis_min_index', v.hardening_lynis_min_index, 0, 100));
  if (v.hardening_lynis_below_min !== 'fail' && v.hardening_lynis_below_min !== 'warn') e.push(`hardening_lynis_below_min must be fail or warn, got ${JSON.stringify(v.hardening_lynis_below_min)}`);
  if (typeof v.hardening_lynis_max_age_hours !== 'number' || !(v.hardening_lynis_max_age_hours > 0)) e.push(`hardening_lynis_max_age_hours must be a number > 0, got ${JSON.stringify(v.hardening_lynis_max_age_hours)}`);
  for (const w of v.hardening_lynis_watch) if (typeof w !== 'string' || !w.startsWith('/')) e.push(`hardening_lynis_watch: ${JSON.stringify(w)} is not an absolute path`);
  return e;
}

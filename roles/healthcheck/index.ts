import { absolutePath, isHostName, defineRole, directory, file, pkg, sysctl, quote, isIpv4, systemUser } from 'ts-play';
import { defaults, type HealthcheckVars } from './defaults.ts';

export const HA_CHECK_PATH = '/usr/local/sbin/ha-check.sh';

const WORD = /^[^\s'"\\`$;&|<>]+$/;

function validate(v: HealthcheckVars): string[] {
  const errors: string[] = [];
  for (const t of v.healthcheck_icmp_targets) {
    if (!isIpv4(t) && !isHostName(t)) errors.push(`healthcheck_icmp_targets: "${t}" is not an IPv4 address or host name`);
  }
  for (const u of v.healthcheck_http_urls) {
    if (!/^https?:\/\//.test(u) || !WORD.test(u)) errors.push(`healthcheck_http_urls: "${u}" must be an http(s) URL without spaces or shell characters`);
  }
  const groups = (v.healthcheck_gateway ? 1 : 0) + (v.healthcheck_icmp_targets.length ? 1 : 0) + (v.healthcheck_http_urls.length ? 1 : 0);
  if (groups === 0) errors.push('healthcheck: no check configured (healthcheck_gateway false, no healthcheck_icmp_targets, no healthcheck_http_urls)');
  if (!Number.isInteger(v.healthcheck_quorum) || v.healthcheck_quorum < 0 || v.healthcheck_quorum > groups) {
    errors.push(`healthcheck_quorum must be 0 (all) or 1..${groups} (the configured check groups), got ${v.healthcheck_quorum}`);
  }
  if (!Number.isInteger(v.healthcheck_timeout) || v.healthcheck_timeout < 1 || v.healthcheck_timeout > 10) {
    errors.push(`healthcheck_timeout must be a whole number of seconds 1..10 (ping -W takes whole seconds), got ${v.healthcheck_timeout}`);
  }
  if (!Number.isInteger(v.healthcheck_http_status) || v.healthcheck_http_status < 100 || v.healthcheck_http_status > 599) {
    errors.push(`healthcheck_http_status must be an HTTP status 100..599, got ${v.healthcheck_http_status}`);
  }
  errors.push(...absolutePath('healthcheck_state_dir', v.healthcheck_state_dir));
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(v.healthcheck_user)) errors.push(`healthcheck_user must be a system user name, got ${JSON.stringify(v.healthcheck_user)}`);
  return errors;
}

export const healthcheck = defineRole<HealthcheckVars>({
  name: 'healthcheck',
  dir: import.meta.dirname,
  tags: ['ha'],
  defaults,
  validate,
  tasks: (ctx) => {
    const v = ctx.vars;
    return [
      pkg({ names: ['iputils-ping', 'curl', 'iproute2'] }),
      // keepalived runs the check with NoNewPrivileges (hardening), which voids ping's file
      // capability: ping then needs ICMP datagram sockets, which this range allows (systemd's own
      // default; per network namespace, so it is settable on the gateway itself).
      sysctl({ file: '/etc/sysctl.d/62-ha-check.conf', values: { 'net.ipv4.ping_group_range': '0 2147483647' } }),
      // The unprivileged user keepalived runs scripts as.
      systemUser(v.healthcheck_user),
      // enable_script_security: the script and every directory above it root-owned, not writable by others.
      file({ path: HA_CHECK_PATH, content: ctx.file('ha-check.sh'), mode: '0755', validate: ['sh', '-n', '%s'] }),
      file({ path: '/etc/ha-check.conf', content: ctx.template('ha-check.conf.ejs', { sh: quote }), mode: '0644', validate: ['sh', '-n', '%s'] }),
      // Written by the script only: its user alone may write here; the exporter reads the .prom file.
      directory({ path: v.healthcheck_state_dir, owner: v.healthcheck_user, group: v.healthcheck_user, mode: '0755' }),
    ];
  },
});

export default healthcheck;

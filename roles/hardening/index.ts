import { defineRole, daemonReload, directory, file, pkg, serviceAction, guardedFile, defaultConfirm, permissions, type Facts, handoverRestart, gatewayHandover, managementAccess } from 'ts-play';
import { hardeningDefaults, SSHD_DROPIN, type HardeningVars } from './defaults.ts';
import { lynisAudit } from './lynis.ts';
import { validateHardening } from './validate.ts';

// A drop-in cannot be checked alone (sshd -t wants a whole configuration): check a temporary
// main file that includes the candidate first and then the live configuration. sshd keeps the
// first value per keyword, so this is what sshd will run with. OpenSSH refuses Include in -o.
const SSHD_VALIDATE = `c=$(mktemp) || exit 1
trap 'rm -f -- "$c"' EXIT
printf 'Include %s\\nInclude /etc/ssh/sshd_config\\n' "$1" > "$c"
/usr/sbin/sshd -t -f "$c"`;

// A reload keeps running sessions (a restart would too on Debian, but a reload never drops the listener).
const SSHD_RELOAD = 'if [ -d /run/systemd/system ]; then systemctl reload ssh; else service ssh reload; fi';

/** Capabilities each daemon keeps; everything else is dropped from its bounding set. */
export const SANDBOX_CAPS: Record<string, { caps: string[]; why: string }> = {
  keepalived: {
    caps: ['CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_NET_BROADCAST', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_IPC_LOCK', 'CAP_SETUID', 'CAP_SETGID', 'CAP_KILL', 'CAP_DAC_OVERRIDE', 'CAP_CHOWN', 'CAP_FOWNER'],
    // Without SYS_RESOURCE the realtime VRRP process cannot lift its RLIMIT_RTTIME for a reload
    // and the kernel kills it mid-reload: the VIPs drop on every `systemctl reload keepalived`.
    why: 'VIPs and nft (NET_ADMIN), VRRP raw sockets, realtime priority and its RLIMIT_RTTIME (SYS_NICE, SYS_RESOURCE), vrrp_no_swap (IPC_LOCK), script_user switch, notify scripts writing state files',
  },
  conntrackd: {
    caps: ['CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_NET_BROADCAST', 'CAP_SYS_NICE', 'CAP_IPC_LOCK', 'CAP_DAC_OVERRIDE'],
    why: 'conntrack netlink and socket buffers (NET_ADMIN), sync sockets, priority, lock file and control socket',
  },
};
const DEFAULT_CAPS = { caps: ['CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_DAC_OVERRIDE'], why: 'network daemon' };

const onSystemd = (facts: Facts) => facts.init === 'systemd' || 'no systemd on this host';

const dropinPath = (unit: string) => `/etc/systemd/system/${unit}.service.d/50-hardening.conf`;

/**
 * A sandbox drop-in takes effect only when its daemon restarts. On a gateway (the pair's VIPs in
 * its variables) keepalived and conntrackd are restarted through a VIP handover; elsewhere the
 * drop-in waits for the daemon's next start, as before.
 */
function handoverUnits(unitList: string[], vars: Record<string, unknown>) {
  const pair = gatewayHandover(vars);
  if (!pair) return [];
  const { vips, ...paths } = pair;
  return unitList.filter((u) => u === 'keepalived' || u === 'conntrackd').map((unit) => ({ unit, vips, paths }));
}

export const hardening = defineRole<HardeningVars>({
  name: 'hardening',
  dir: import.meta.dirname,
  defaults: hardeningDefaults,
  validate: (v) => validateHardening(v),
  tasks: (ctx) => {
    const v = ctx.vars;
    const dropin = ctx.template('sshd-hardening.conf.ejs');
    const validate = ['sh', '-c', SSHD_VALIDATE, 'sh', '%s'];
    const { address, port } = managementAccess(ctx.host.name, ctx.host.vars);
    const sshd =
      v.hardening_ssh_confirm_timeout > 0
        ? guardedFile({
            name: `sshd ${SSHD_DROPIN}, reloaded and confirmed within ${v.hardening_ssh_confirm_timeout}s`,
            path: SSHD_DROPIN, content: dropin, mode: '0600', validate, tags: ['sshd'],
            activate: ['sh', '-c', SSHD_RELOAD], window: v.hardening_ssh_confirm_timeout, confirm: defaultConfirm(address, port),
          })
        : file({ path: SSHD_DROPIN, content: dropin, mode: '0600', validate, tags: ['sshd'], notify: 'reload ssh' });
    const restarted = new Set<string>(handoverUnits(v.hardening_sandbox_units, ctx.host.vars).map((h) => h.unit));
    const sandbox = v.hardening_sandbox_units.flatMap((unit) => {
      const dir = `/etc/systemd/system/${unit}.service.d`;
      const { caps, why } = SANDBOX_CAPS[unit] ?? DEFAULT_CAPS;
      return [
        directory({ path: dir, tags: ['sandbox'], when: onSystemd }),
        file({
          path: dropinPath(unit), content: ctx.template('sandbox.conf.ejs', { unit, caps, why }),
          tags: ['sandbox'], when: onSystemd, notify: restarted.has(unit) ? ['systemd daemon-reload', `handover restart ${unit}`] : 'systemd daemon-reload',
        }),
      ];
    });
    return [
      ...(v.hardening_lynis ? [pkg({ names: ['lynis'], tags: ['lynis'] })] : []),
      sshd,
      ...v.hardening_root_only.map((p) => permissions({ path: p.path, mode: p.mode, tags: ['permissions'] })),
      ...v.hardening_root_owned_scripts.map((s) => permissions({ path: s, clearBits: '0022', tags: ['permissions'] })),
      ...sandbox,
      ...(v.hardening_lynis
        ? [lynisAudit({ minIndex: v.hardening_lynis_min_index, belowMin: v.hardening_lynis_below_min, maxAgeHours: v.hardening_lynis_max_age_hours, watch: v.hardening_lynis_watch, tags: ['lynis'] })]
        : []),
    ];
  },
  handlers: (ctx) => ({
    'systemd daemon-reload': [daemonReload()],
    'reload ssh': [serviceAction({ unit: 'ssh', action: 'reload' })],
    ...Object.fromEntries(
      handoverUnits(ctx.vars.hardening_sandbox_units, ctx.host.vars).map(({ unit, vips, paths }) => [
        `handover restart ${unit}`,
        [handoverRestart({ name: `hand over and restart ${unit} (sandbox drop-in)`, unit, vips, ...paths, watch: [dropinPath(unit)], tags: ['sandbox'] })],
      ]),
    ),
  }),
});

export default hardening;

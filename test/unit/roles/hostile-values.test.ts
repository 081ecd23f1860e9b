// Issue 14: a host name or a path variable holding a newline or `"; cmd; "` used to land as a
// command line in files root shell scripts source, and as extra lines in keepalived.conf and
// conntrackd.conf. Every value that ends up in a generated file is checked for its kind at plan
// time, naming the variable, and generated shell configuration quotes every value.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePlaybook } from '../../../src/engine/play.ts';
import { planPlaybook, PlanError, type InventorySource } from '../../../src/engine/plan.ts';
import { checkRoleVars } from '../../../src/inventory/typecheck.ts';
import { mergeLayers } from '../../../src/inventory/vars.ts';
import { renderTemplate, templatePath } from '../../../src/engine/template.ts';
import { quote } from '../../../src/connection/quote.ts';
import { keepalived } from '../../../roles/keepalived/index.ts';
import { conntrackd } from '../../../roles/conntrackd/index.ts';
import { exporters } from '../../../roles/exporters/index.ts';
import { healthcheck } from '../../../roles/healthcheck/index.ts';
import { nftables } from '../../../roles/nftables/index.ts';
import { synctunnel } from '../../../roles/synctunnel/index.ts';
import { labNetwork } from '../../helpers/role-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'tsp-hostile-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));
const PWNED = join(dir, 'pwned');
const NOTIFY = join(import.meta.dirname, '../../../roles/keepalived/files/ha-notify');
const HOSTILE = ['a\nvrrp_instance X {', `"; touch ${PWNED}; "`, `$(touch ${PWNED})`, `\`touch ${PWNED}\``, "x' ; touch /tmp/x ; '"];

const GW1 = { ...labNetwork('gw1'), keepalived_priority: 254, keepalived_peer_priority: 250, mgmt_address: '198.18.0.11' };
const roles = [keepalived, conntrackd, exporters, healthcheck, nftables, synctunnel];

/** One host's inventory, as the real source merges and type-checks it. */
function source(host: string, vars: Record<string, unknown>): InventorySource {
  return {
    select: () => [host],
    groupsOf: () => ['all', 'gateways'],
    hostVars: () => ({ vars, origins: {} }),
    roleVars: ({ role, defaults, layers }) => {
      const all = mergeLayers([{ label: 'defaults', vars: defaults as Record<string, unknown> }, { label: 'inventory', vars }, ...layers]);
      return checkRoleVars(role, host, defaults, all.vars, all.origins);
    },
  };
}

function problems(vars: Record<string, unknown>, host = 'gw1'): string[] {
  const book = definePlaybook([{ name: 'p', hosts: 'all', roles: roles.map((r) => r()) }]);
  try {
    planPlaybook(book, source(host, vars), { tags: { tags: [], skipTags: [] }, extraVars: {} });
    return [];
  } catch (e) {
    if (e instanceof PlanError) return e.problems;
    throw e;
  }
}

test('the lab values plan cleanly (the checks refuse only what is wrong)', (t) => {
  t.deepEqual(problems(GW1), []);
});

/**
 * Every string variable the HA roles declare: each lands in a generated file or an argv.
 * vault_sync_psk is read only with sync_tunnel: wireguard, where it must be a WireGuard key
 * (synctunnel.test.ts); elsewhere it reaches no file.
 */
const stringVars = [...new Set(roles.flatMap((r) => Object.entries(r.def.defaults).filter(([, v]) => typeof v === 'string' || (v as { kind?: string })?.kind === 'string').map(([k]) => k)))]
  .filter((k) => k !== 'vault_sync_psk');

for (const value of HOSTILE) {
  test(`every string variable refuses ${JSON.stringify(value)}, naming the variable`, (t) => {
    const refused: string[] = [];
    for (const k of stringVars) {
      const found = problems({ ...GW1, [k]: value });
      if (found.some((p) => p.includes(k))) refused.push(k);
      else t.fail(`${k}=${JSON.stringify(value)} was accepted: ${found.join('; ') || 'no problem at all'}`);
    }
    t.is(refused.length, stringVars.length);
    t.true(refused.length >= 30, `${refused.length} variables checked`);
    t.false(existsSync(PWNED));
  });
}

test('a value with a newline inside a list (conntrackd_ignore_extra, mgmt_allow) is refused', (t) => {
  t.true(problems({ ...GW1, conntrackd_ignore_extra: ['10.0.0.1\n}\nGeneral {'] }).some((p) => p.includes('conntrackd_ignore_extra')));
  t.true(problems({ ...GW1, mgmt_allow: ['198.18.0.0/24\n}'] }).some((p) => p.includes('mgmt_allow')));
});

test('paths: relative, with a space, a quote or a newline are refused; the variable is named', (t) => {
  for (const bad of ['run/x.fifo', '/run/a b.fifo', '/run/a".fifo', '/run/a\n.fifo', '/run/$(id)']) {
    const p = problems({ ...GW1, keepalived_notify_fifo: bad });
    // A newline is caught before the kind check, by the line-break check every variable gets.
    t.true(p.some((m) => /keepalived_notify_fifo (from inventory )?must (be an absolute path|not hold line breaks)/.test(m)), `${JSON.stringify(bad)}: ${p.join('; ')}`);
  }
});

test('interface names as Linux names: too long, with a slash, a space or a newline are refused', (t) => {
  for (const bad of ['eth0 up', 'eth0/1', 'averyveryverylongname', '..', 'eth0\n']) {
    t.true(problems({ ...GW1, sync_interface: bad }).some((m) => m.includes('sync_interface')), JSON.stringify(bad));
  }
});

test('an inventory host name with a newline or a quote is refused at plan time', (t) => {
  for (const bad of ['gw1\nvrrp_instance X {', 'gw1"; touch x; "', 'gw 1', '-gw1']) {
    const p = problems(GW1, bad);
    t.true(p.some((m) => m.includes('inventory_hostname must be a host name')), `${JSON.stringify(bad)}: ${p.join('; ')}`);
  }
  t.deepEqual(problems(GW1, 'gw_1.example-dc.net'), []);
});

/** Sources a rendered file in sh and prints one variable; nothing in it may run. */
function sourced(content: string, variable: string): string {
  const f = join(dir, `conf-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, content);
  const r = spawnSync('sh', ['-c', `. "$1" && printf '%s' "$${variable}"`, 'sh', f], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sourcing failed: ${r.stderr}`);
  return r.stdout;
}

for (const value of HOSTILE) {
  test(`shell configuration quotes every value: ${JSON.stringify(value)} stays data when sourced`, (t) => {
    // Rendered without validation, as if a value slipped past it: the quoting alone must hold.
    const base = { ...GW1, inventory_hostname: 'gw1', host: {}, sh: quote };
    const render = (role: { def: { dir: string } }, name: string, extra: Record<string, unknown>) => renderTemplate(templatePath(role.def.dir, name), { ...base, ...extra });
    const check = render(healthcheck, 'ha-check.conf.ejs', { healthcheck_gateway: true, healthcheck_icmp_targets: [value], healthcheck_http_urls: [], healthcheck_http_status: 204, healthcheck_quorum: 0, healthcheck_timeout: 1, healthcheck_state_dir: value });
    t.is(sourced(check, 'HA_CHECK_STATE_DIR'), value);
    t.is(sourced(check, 'HA_CHECK_ICMP_TARGETS'), value);
    const notify = render(keepalived, 'ha-notify.conf.ejs', { keepalived_vip_mode: value, keepalived_state_dir: value, keepalived_hold_command: value, nftables_table: value, conntrackd_socket: value, hooks: {} });
    t.is(sourced(notify, 'HA_VIP_MODE'), value);
    t.is(sourced(notify, 'HA_HOLD'), value);
    // ha-notify reads the same file with Python's shlex: the same values, nothing run.
    const f = join(dir, `notify-${Math.random().toString(36).slice(2)}`);
    writeFileSync(f, notify);
    const py = spawnSync('/usr/bin/python3', ['-c', 'import json, runpy, sys; m = runpy.run_path(sys.argv[1]); print(json.dumps(m["load_conf"](sys.argv[2])))', NOTIFY, f], { encoding: 'utf8' });
    t.is(py.status, 0, py.stderr);
    const conf = JSON.parse(py.stdout) as Record<string, string>;
    t.like(conf, { HA_VIP_MODE: value, HA_HOLD: value, HA_STATE_DIR: value, HA_HOLD_TABLE: `inet ${value}`, HA_CONNTRACKD_SOCKET: value });
    const textfile = render(exporters, 'ha-textfile.conf.ejs', { exporters_textfile_dir: value, exporters_vrrp_instances_file: value, exporters_vrrp_state_dir: value, exporters_collect_vrrp: true, exporters_collect_nftables: true, exporters_collect_conntrackd: true });
    t.is(sourced(textfile, 'TEXTFILE_DIR'), value);
    const node = render(exporters, 'prometheus-node-exporter.default.ejs', { args: [`--collector.textfile.directory=${value}`] });
    t.is(sourced(node, 'ARGS'), `--collector.textfile.directory=${value}`);
    t.false(existsSync(PWNED), 'nothing ran');
  });
}

import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { parse } from 'yaml';
import monitoring from '../../../roles/monitoring/index.ts';
import { PATHS, ROOT } from '../../../src/observability/generate.ts';
import { buildRole } from '../../helpers/role-fixture.ts';
import { run, tool } from '../../helpers/promtool.ts';

// The lab's monitor values, as inventory/lab.yml gives them to the monitors group.
const LAB = (parse(readFileSync(join(ROOT, 'inventory/lab.yml'), 'utf8')) as { all: { children: { monitors: { vars: Record<string, unknown> } } } }).all.children.monitors.vars;
const VAULT = { vault_alert_webhook_url: 'http://198.18.0.41:9099/alert' };
const lab = (extra: Record<string, unknown> = {}) => buildRole(monitoring, { ...LAB, ...VAULT, ...extra }, 'monitor');

function rendered(fx: ReturnType<typeof lab>, path: string): string {
  const f = fx.files.get(path);
  if (!f) throw new Error(`no file ${path}; files: ${[...fx.files.keys()].join(', ')}`);
  return f.content;
}

function inTemp<T>(files: Record<string, string>, fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-monitoring-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('lab inventory builds: prometheus.yml scrapes both gateways with node labels, rules, alertmanager', (t) => {
  const fx = lab();
  t.deepEqual(fx.errors, []);
  const prom = parse(rendered(fx, '/etc/prometheus/prometheus.yml'));
  const job = prom.scrape_configs.find((s: { job_name: string }) => s.job_name === 'nat-gateways');
  t.deepEqual(job.static_configs, [
    { targets: ['198.18.0.11:9100'], labels: { node: 'gw1' } },
    { targets: ['198.18.0.12:9100'], labels: { node: 'gw2' } },
  ]);
  t.is(prom.global.scrape_interval, '5s');
  t.deepEqual(prom.rule_files, ['/etc/prometheus/rules/*.rules.yml']);
  t.deepEqual(prom.alerting.alertmanagers[0].static_configs[0].targets, ['localhost:9093']);
  const am = fx.files.get('/etc/prometheus/alertmanager.yml')!;
  t.is(am.mode, '0640');
  t.is(am.group, 'prometheus');
  t.deepEqual(parse(am.content).receivers[0].webhook_configs, [{ url: VAULT.vault_alert_webhook_url, send_resolved: true }]);
  t.regex(rendered(fx, '/etc/default/prometheus-alertmanager'), /^ARGS='--cluster\.listen-address= --web\.listen-address=:9093'$/m);
});

test('validators on the host: promtool for rules and config, amtool for alertmanager.yml', (t) => {
  const fx = lab();
  // On the host the file tasks run these same tools as validators; here they check the rendered files.
  const promtool = tool('promtool');
  const amtool = tool('amtool');
  inTemp({
    'prometheus.yml': rendered(fx, '/etc/prometheus/prometheus.yml'),
    'am.yml': rendered(fx, '/etc/prometheus/alertmanager.yml'),
    'r.rules.yml': rendered(fx, '/etc/prometheus/rules/nat-ha.rules.yml'),
  }, (dir) => {
    const c = run(promtool, ['check', 'config', 'prometheus.yml'], dir);
    t.is(c.code, 0, c.out);
    const r = run(promtool, ['check', 'rules', 'r.rules.yml'], dir);
    t.is(r.code, 0, r.out);
    const a = run(amtool, ['check-config', 'am.yml'], dir);
    t.is(a.code, 0, a.out);
    t.regex(a.out, /receivers/);
  });
});

test('inventory for durations reach the installed rules; defaults give the checked-in rule file', (t) => {
  const rules = parse(rendered(lab(), '/etc/prometheus/rules/nat-ha.rules.yml'));
  const byName = Object.fromEntries(rules.groups[0].rules.map((r: { alert: string; for: string }) => [r.alert, r.for]));
  t.is(byName.VrrpPreferredNotMaster, '15s');
  t.is(byName.ConntrackTableNearlyFull, '5m');
  const plain = rendered(buildRole(monitoring, { ...VAULT, monitoring_gateway_targets: LAB.monitoring_gateway_targets }, 'monitor'), '/etc/prometheus/rules/nat-ha.rules.yml');
  const body = (s: string) => s.split('\n').slice(1).join('\n');
  t.is(body(plain), body(readFileSync(join(ROOT, PATHS.rules), 'utf8')));
});

test('webhook receiver files only when asked for', (t) => {
  t.true(lab().files.has('/etc/systemd/system/tsp-alert-webhook.service'));
  t.regex(rendered(lab(), '/etc/systemd/system/tsp-alert-webhook.service'), /^ExecStart=\/usr\/bin\/python3 \/usr\/local\/lib\/ts-play\/alert-webhook\.py --port 9099 --log \/var\/log\/ts-play-alerts\.jsonl$/m);
  t.false(lab({ monitoring_webhook_receiver: false }).files.has('/etc/systemd/system/tsp-alert-webhook.service'));
});

test('bad inventory values are refused, each naming its variable', (t) => {
  const fx = lab({
    monitoring_gateway_targets: [{ node: 'gw1', address: '198.18.0.11' }, { node: 'gw1', address: '198.18.0.12:9100' }],
    monitoring_alert_for: { VrrpPreferredNotMaster: 'a minute' },
    monitoring_thresholds: { conntrack_usage_ratio: 80 },
    monitoring_scrape_interval: '5',
    monitoring_webhook_port: 70000,
    vault_alert_webhook_url: 'tok3n-not-a-url',
  });
  const vars = fx.errors.map((e) => e.split(/[ :.[]/)[0]);
  for (const v of ['monitoring_gateway_targets', 'monitoring_alert_for', 'monitoring_thresholds', 'monitoring_scrape_interval', 'monitoring_webhook_port', 'vault_alert_webhook_url']) {
    t.true(vars.includes(v), `${v} in ${fx.errors.join(' | ')}`);
  }
  t.false(fx.errors.join('\n').includes('tok3n'), 'the vault value itself is not echoed');
  t.deepEqual(buildRole(monitoring, { ...LAB }, 'monitor').errors, ['vault_alert_webhook_url is required']);
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

test('the lab webhook receiver logs each posted payload as a JSON line', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-webhook-'));
  const port = await freePort();
  const log = join(dir, 'alerts.jsonl');
  const child = spawn('python3', [join(ROOT, 'roles/monitoring/files/alert-webhook.py'), '--listen', '127.0.0.1', '--port', String(port), '--log', log], { stdio: 'ignore' });
  try {
    const payload = { status: 'firing', alerts: [{ labels: { alertname: 'VrrpPreferredNotMaster', node: 'gw1' } }] };
    let res: Response | undefined;
    for (let i = 0; i < 50 && !res; i++) {
      try {
        res = await fetch(`http://127.0.0.1:${port}/alert`, { method: 'POST', body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    t.is(res?.status, 200);
    const bad = await fetch(`http://127.0.0.1:${port}/alert`, { method: 'POST', body: 'not json' });
    t.is(bad.status, 400);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    t.is(lines.length, 1);
    t.deepEqual(lines[0].payload, payload);
    t.is(lines[0].path, '/alert');
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

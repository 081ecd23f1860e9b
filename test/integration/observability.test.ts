// Observability against the lab (issue 6): the monitoring role on the monitor host, Prometheus
// scraping both gateways, every dashboard query answering, and the VRRP deviation alert reaching
// Alertmanager and the webhook when keepalived stops on gw1, then resolving. Serial; leaves the
// lab converged with keepalived running on gw1.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labUp } from '../../src/lab/cli.ts';
import { PATHS } from '../../src/observability/generate.ts';
import { LAB_INVENTORY, labExec, recap, ROOT, SKIP_AUDIT, tsplay } from '../helpers/cli.ts';

const PROM = 'http://198.18.0.41:9090';
const AM = 'http://198.18.0.41:9093';
const WEBHOOK_LOG = '/var/log/ts-play-alerts.jsonl';
const ALERT = 'VrrpPreferredNotMaster';

const play = (book: string, ...args: string[]) => tsplay([book, '-i', LAB_INVENTORY, ...args], { timeoutMs: 900_000 });

interface PromSeries { metric: Record<string, string>; value: [number, string] }

async function query(expr: string): Promise<PromSeries[]> {
  const res = await fetch(`${PROM}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5000) });
  const body = (await res.json()) as { status: string; error?: string; data?: { result: PromSeries[] } };
  if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
  return body.data!.result;
}

/** Polls fn until it returns a value other than undefined, or fails after limitMs naming what it waited for. */
async function waitFor<T>(what: string, limitMs: number, fn: () => Promise<T | undefined>, everyMs = 2000): Promise<T> {
  const end = Date.now() + limitMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`gave up after ${limitMs / 1000} s waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

interface AmAlert { labels: Record<string, string>; status: { state: string } }

async function amAlerts(): Promise<AmAlert[]> {
  const res = await fetch(`${AM}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${ALERT}"`)}`, { signal: AbortSignal.timeout(5000) });
  return (await res.json()) as AmAlert[];
}

interface Delivery { received: number; payload: { status: string; alerts: { status: string; labels: Record<string, string> }[] } }

async function deliveries(): Promise<Delivery[]> {
  const r = await labExec('monitor', ['sh', '-c', `cat ${WEBHOOK_LOG} 2>/dev/null || true`]);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Delivery);
}

const delivered = (ds: Delivery[], status: string, after: number) =>
  ds.find((d) => d.received * 1000 >= after && d.payload.alerts.some((a) => a.status === status && a.labels.alertname === ALERT && a.labels.node === 'gw1'));

test.before(async () => {
  await labUp();
});

test.serial('gateways converged by site.ts, then the monitoring role applies and re-applies with no change', async (t) => {
  // Without the lynis audits (SKIP_AUDIT): this test is about metrics.
  const site = await play('playbooks/site.ts', ...SKIP_AUDIT);
  t.is(site.code, 0, site.stdout + site.stderr);
  const first = await play('playbooks/monitoring.ts');
  t.is(first.code, 0, first.stdout + first.stderr);
  const again = await play('playbooks/monitoring.ts');
  t.is(again.code, 0, again.stdout + again.stderr);
  t.is(recap(again.stdout, 'monitor')?.changed, 0, again.stdout);
});

test.serial('--check with another for duration reports the rule file change and leaves the host alone', async (t) => {
  const before = await labExec('monitor', ['sha256sum', '/etc/prometheus/rules/nat-ha.rules.yml']);
  const r = await play('playbooks/monitoring.ts', '--check', '-e', '{"monitoring_alert_for": {"GatewayDown": "45s"}}');
  t.is(r.code, 0, r.stdout + r.stderr);
  t.true((recap(r.stdout, 'monitor')?.changed ?? 0) >= 1, r.stdout);
  t.is((await labExec('monitor', ['sha256sum', '/etc/prometheus/rules/nat-ha.rules.yml'])).stdout, before.stdout);
});

test.serial('Prometheus reports up == 1 for both gateways and has loaded every rule', async (t) => {
  const up = await waitFor('up == 1 for gw1 and gw2', 90_000, async () => {
    const r = await query('up{job="nat-gateways"} == 1');
    const nodes = r.map((s) => s.metric.node).sort();
    return nodes.join(',') === 'gw1,gw2' ? r : undefined;
  });
  t.deepEqual(up.map((s) => s.metric.instance).sort(), ['198.18.0.11:9100', '198.18.0.12:9100']);
  const rules = (await (await fetch(`${PROM}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: { name: string; health: string }[] }[] } };
  const group = rules.data.groups.find((g) => g.name === 'nat-ha');
  t.truthy(group);
  t.true(group!.rules.length >= 10);
  t.true(group!.rules.every((r) => r.health !== 'err'), JSON.stringify(group!.rules.filter((r) => r.health === 'err')));
});

test.serial('a VRRP state change rewrites the VRRP metrics at once: with the timer stopped, restarting keepalived on the backup still does', async (t) => {
  const PROM_FILE = '/var/lib/prometheus/node-exporter/ha_vrrp.prom';
  const stop = await labExec('gw2', ['systemctl', 'stop', 'ha-textfile.timer']);
  t.is(stop.code, 0, stop.stderr);
  try {
    // Gone first, so only a run started after the restart can bring it back.
    t.is((await labExec('gw2', ['rm', '-f', PROM_FILE])).code, 0);
    const restart = await labExec('gw2', ['systemctl', 'restart', 'keepalived']);
    t.is(restart.code, 0, restart.stderr);
    const prom = await waitFor(`${PROM_FILE} on gw2 rewritten after keepalived's restart`, 30_000, async () => {
      const r = await labExec('gw2', ['sh', '-c', `cat ${PROM_FILE} 2>/dev/null || true`]);
      return /^keepalived_vrrp_state\{iname="VI_LAN"[^}]*\} 1$/m.test(r.stdout) ? r.stdout : undefined;
    }, 500);
    t.regex(prom, /^keepalived_up 1$/m);
    t.is((await labExec('gw2', ['systemctl', 'is-active', 'ha-textfile.timer'])).stdout.trim(), 'inactive', 'the timer stayed stopped: the path unit did it');
  } finally {
    const start = await labExec('gw2', ['systemctl', 'start', 'ha-textfile.timer']);
    t.is(start.code, 0, start.stderr);
  }
});

test.serial('every dashboard panel query returns at least one series from the lab', async (t) => {
  const dash = JSON.parse(readFileSync(join(ROOT, PATHS.dashboard), 'utf8')) as { panels: { title: string; type: string; targets?: { refId: string; expr: string }[] }[] };
  const targets = dash.panels.flatMap((p) => (p.targets ?? []).map((q) => ({ panel: p.title, ...q })));
  t.true(targets.length >= 10);
  // Grafana's variables as the dashboard's defaults give them.
  const concrete = (e: string) => e.replaceAll('$__rate_interval', '1m').replaceAll('$wan', 'wan');
  const empty: string[] = [];
  for (const q of targets) {
    const series = await waitFor(`${q.panel} ${q.refId}`, 90_000, async () => {
      const r = await query(concrete(q.expr));
      return r.length > 0 ? r : undefined;
    }).catch(() => []);
    if (series.length === 0) empty.push(`${q.panel} ${q.refId}: ${q.expr}`);
  }
  t.deepEqual(empty, []);
});

test.serial('keepalived stopped on gw1: the VRRP deviation alert reaches Alertmanager and the webhook, then resolves', async (t) => {
  const started = Date.now();
  try {
    const stop = await labExec('gw1', ['systemctl', 'stop', 'keepalived']);
    t.is(stop.code, 0, stop.stderr);
    const firing = await waitFor(`${ALERT} active in Alertmanager`, 120_000, async () => {
      const a = (await amAlerts()).find((x) => x.labels.node === 'gw1' && x.status.state === 'active');
      return a;
    });
    t.like(firing.labels, { alertname: ALERT, severity: 'critical', node: 'gw1', instance: '198.18.0.11:9100', job: 'nat-gateways' });
    t.log(`firing in Alertmanager ${Math.round((Date.now() - started) / 1000)} s after the stop`);
    await waitFor('a firing webhook delivery', 60_000, async () => delivered(await deliveries(), 'firing', started));
  } finally {
    const start = await labExec('gw1', ['systemctl', 'start', 'keepalived']);
    t.is(start.code, 0, start.stderr);
  }
  const back = Date.now();
  // gw1 preempts after keepalived_preempt_delay (30 s in the lab), then textfile, scrape and evaluation.
  await waitFor(`${ALERT} gone from Alertmanager`, 240_000, async () => ((await amAlerts()).some((x) => x.labels.node === 'gw1' && x.status.state === 'active') ? undefined : true));
  const resolved = await waitFor('a resolved webhook delivery', 90_000, async () => delivered(await deliveries(), 'resolved', back));
  t.truthy(resolved);
  t.log(`resolved delivered ${Math.round((resolved.received * 1000 - back) / 1000)} s after keepalived started`);
  const vrrp = await query('keepalived_vrrp_state{node="gw1"}');
  t.true(vrrp.length > 0 && vrrp.every((s) => s.value[1] === '2'), JSON.stringify(vrrp));
});

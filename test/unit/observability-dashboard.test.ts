import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PATHS, ROOT } from '../../src/observability/generate.ts';

interface Target { refId?: string; expr?: string; datasource?: { type?: string; uid?: string } }
interface Panel { type: string; title: string; id: number; targets?: Target[]; datasource?: { uid?: string }; gridPos: { x: number; y: number; w: number; h: number }; fieldConfig?: { defaults?: { mappings?: { options: Record<string, { text: string }> }[]; unit?: string } } }

const dash = JSON.parse(readFileSync(join(ROOT, PATHS.dashboard), 'utf8')) as {
  uid: string; panels: Panel[]; templating: { list: { type: string; name: string; query?: string }[] };
};
const panels = dash.panels.filter((p) => p.type !== 'row');
const byTitle = (title: string) => {
  const p = panels.find((x) => x.title === title);
  if (!p) throw new Error(`no panel "${title}"`);
  return p;
};

test('a Prometheus datasource variable, used by every panel and query', (t) => {
  const v = dash.templating.list.find((x) => x.type === 'datasource');
  t.is(v?.name, 'datasource');
  t.is(v?.query, 'prometheus');
  for (const p of panels) {
    t.is(p.datasource?.uid, '${datasource}', p.title);
    for (const q of p.targets ?? []) t.deepEqual(q.datasource, { type: 'prometheus', uid: '${datasource}' }, `${p.title} ${q.refId}`);
  }
});

test('every panel has queries, each with a refId unique within the panel', (t) => {
  for (const p of panels) {
    const targets = p.targets ?? [];
    t.true(targets.length > 0, p.title);
    const ids = targets.map((q) => q.refId);
    t.true(ids.every((id) => typeof id === 'string' && /^[A-Z]$/.test(id)), `${p.title}: ${ids.join(',')}`);
    t.is(new Set(ids).size, ids.length, `${p.title}: duplicate refId`);
    for (const q of targets) t.true(typeof q.expr === 'string' && q.expr.length > 0, `${p.title} ${q.refId}`);
  }
});

test('VRRP state is a state timeline mapping 0..3 to INIT/BACKUP/MASTER/FAULT', (t) => {
  const p = byTitle('VRRP state per node');
  t.is(p.type, 'state-timeline');
  t.regex(p.targets![0]!.expr!, /^keepalived_vrrp_state\{job="nat-gateways"\}$/);
  const opts = p.fieldConfig!.defaults!.mappings![0]!.options;
  t.deepEqual(Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, v.text])), { 0: 'INIT', 1: 'BACKUP', 2: 'MASTER', 3: 'FAULT' });
});

test('conntrack utilisation, new flows, WAN throughput, drops, log counters and conntrackd sync panels query the right metrics', (t) => {
  const expr = (title: string) => byTitle(title).targets!.map((q) => q.expr).join('\n');
  t.regex(expr('Conntrack table usage'), /100 \* node_nf_conntrack_entries\{.*\} \/ node_nf_conntrack_entries_limit/);
  t.is(byTitle('Conntrack table usage').fieldConfig!.defaults!.unit, 'percent');
  t.regex(expr('New flows/s'), /rate\(node_nf_conntrack_stat_insert\{.*\}\[\$__rate_interval\]\)/);
  const wan = byTitle('NAT throughput (WAN)');
  t.is(wan.type, 'timeseries');
  t.deepEqual(wan.targets!.map((q) => q.refId), ['A', 'B']);
  t.regex(wan.targets![0]!.expr!, /rate\(node_network_receive_bytes_total\{job="nat-gateways", device="\$wan"\}/);
  t.regex(wan.targets![1]!.expr!, /rate\(node_network_transmit_bytes_total\{job="nat-gateways", device="\$wan"\}/);
  t.regex(expr('Firewall drops'), /nftables_counter_packets\{job="nat-gateways", name=~"input_drops\|forward_drops\|invalid\|vrrp_foreign"\}/);
  t.regex(expr('nftables log counters'), /name=~"log_input\|log_forward\|log_vrrp"/);
  t.regex(expr('conntrackd caches'), /^conntrackd_cache_entries/);
  t.regex(expr('Sync errors and lost messages'), /conntrackd_sync_errors_total[\s\S]*conntrackd_sync_lost_messages_total/);
  t.true(dash.templating.list.some((v) => v.name === 'wan'));
});

test('panels lie on the 24-column grid without overlapping', (t) => {
  const all = dash.panels;
  for (const p of all) t.true(p.gridPos.x + p.gridPos.w <= 24, p.title);
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i]!.gridPos, b = all[j]!.gridPos;
      const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
      t.false(overlap, `${all[i]!.title} overlaps ${all[j]!.title}`);
    }
  }
  t.is(new Set(all.map((p) => p.id)).size, all.length, 'panel ids unique');
});

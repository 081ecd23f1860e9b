import type { ScenarioResult } from '../scenarios/types.ts';
import { type ComparedRow, margin, silentMasterTakeoverMs } from './targets.ts';

export interface ReportMeta {
  startedAt: string;
  finishedAt: string;
  playbook: string;
  inventory: string[];
  advertIntS: number;
  /** keepalived's down_timer_adverts (3 when a report predates it). */
  downTimerAdverts?: number;
  preemptDelayS: number;
  prometheus: { url: string; reachable: boolean; panels: { title: string; file?: string; error?: string }[] };
  charts: Record<string, string[]>;
}

const num = (v: number | undefined, unit: string): string => (v === undefined ? 'n/a' : `${Number.isInteger(v) ? v : v.toFixed(2)}${unit ? ` ${unit}` : ''}`);
const mark = (v: string): string => (v === 'pass' ? 'pass' : v === 'fail' ? '**MISSED**' : '-');

/** Why a figure can miss its target, from what the configuration makes inevitable. */
function why(row: ComparedRow, meta: ReportMeta): string {
  const adverts = meta.downTimerAdverts ?? 3;
  const silent = silentMasterTakeoverMs(meta.advertIntS, 250, adverts);
  switch (row.metric) {
    case 'restoredMs':
    case 'vipMoveMs':
      return row.scenario === 'hard'
        ? `a master that vanishes without a priority-0 advert is replaced after ${adverts} x advert_int + skew = ${silent} ms (advert_int ${meta.advertIntS} s, down_timer_adverts ${adverts}); fewer adverts or a shorter interval go faster, at the cost of false failovers in host stalls and advert loss`
        : 'a cleanly stopping master sends priority 0; the time left is keepalived\'s transition, GARP and the notify script (conntrackd commit under ha-hold)';
    case 'preferredMasterS':
      return `the preferred node waits keepalived_preempt_delay (${meta.preemptDelayS} s) before taking the VIPs back, so conntrackd has resynced first`;
    case 'rolesBackS':
      return 'keepalived and conntrackd start with the host\'s systemd; the remainder is unit start-up and the first VRRP/sync exchange';
    case 'pingLost':
      return 'at 100 pps every 10 ms of outage is one lost ping: the outage is VRRP time plus the hold around the conntrackd commit (per-switch columns below)';
    case 'udpLossPct':
      return 'the loss is counted over the whole probe window, which holds several switches packed a few seconds apart; each switch costs its outage x 1000 packets/s (see the per-window UDP line below)';
    default:
      return 'see the scenario notes below';
  }
}

export function summaryTable(rows: readonly ComparedRow[]): string {
  const out = ['| scenario | figure | measured | design criterion | | issue target | |', '|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    out.push(`| ${r.scenario} | ${r.label} | ${num(r.value, r.unit)} | ${r.design?.text ?? '-'} | ${mark(r.designVerdict)} | ${r.issue?.text ?? '-'} | ${mark(r.issueVerdict)} |`);
  }
  return out.join('\n');
}

export function missesSection(rows: readonly ComparedRow[], results: readonly ScenarioResult[], meta: ReportMeta): string {
  const out: string[] = [];
  for (const r of rows) {
    for (const [kind, c, v] of [['design criterion', r.design, r.designVerdict], ['issue target', r.issue, r.issueVerdict]] as const) {
      if (v !== 'fail' || !c || r.value === undefined) continue;
      out.push(`- ${r.scenario} / ${r.label}: ${num(r.value, r.unit)} against the ${kind} ${c.text}: missed by ${Math.abs(margin(r.value, c))}${r.unit ? ` ${r.unit}` : ''}. Why: ${why(r, meta)}.`);
    }
  }
  for (const s of results.filter((x) => !x.ok)) out.push(`- ${s.name}: did not complete: ${s.error}`);
  for (const s of results) {
    for (const r of rows.filter((x) => x.scenario === s.name && x.value === undefined && (x.design || x.issue))) {
      out.push(`- ${s.name} / ${r.label}: not measured${s.ok ? '' : ' (scenario failed)'}`);
    }
  }
  return out.length ? out.join('\n') : 'Every measured figure meets both the design criterion and the issue target.';
}

export function scenarioSection(r: ScenarioResult, charts: readonly string[]): string {
  const out = [`### ${r.name}: ${r.title}`, '', `${r.ok ? 'completed' : `**failed**: ${r.error}`} in ${r.durationS} s (started ${r.startedAt})`, ''];
  const figures = Object.entries(r.metrics).map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(2)) : v}`);
  if (figures.length) out.push(`Figures: ${figures.join(', ')}`, '');
  if (r.switches.length) {
    const bgp = r.switches.some((s) => s.routeMs !== undefined || s.announceMs !== undefined);
    const udp = r.switches.some((s) => s.udpLost !== undefined);
    const extra = (udp ? ' UDP lost (1000 pps) |' : '') + (bgp ? ' MASTER -> announced (ms) | fault -> route server best path (ms) |' : '');
    const rule = '---|'.repeat(9 + (udp ? 1 : 0) + (bgp ? 2 : 0));
    out.push(`| switch | to | VIP move (ms) | traffic restored (ms) | pings lost | longest ping gap (ms) | fault -> MASTER (ms) | MASTER -> commit (ms) | MASTER -> hold off (ms) |${extra}`, `|${rule}`);
    for (const s of r.switches) {
      const cols = (udp ? ` ${s.udpLost ?? 'n/a'} |` : '') + (bgp ? ` ${s.announceMs ?? 'n/a'} | ${s.routeMs ?? 'n/a'} |` : '');
      out.push(`| ${s.what} | ${s.to} | ${s.vipMoveMs ?? 'n/a'} | ${s.restoredMs ?? 'n/a'} | ${s.lost} | ${s.gapMs} | ${s.vrrpMs ?? 'n/a'} | ${s.commitMs ?? 'n/a'} | ${s.holdMs ?? 'n/a'} |${cols}`);
    }
    if (udp) out.push('', 'UDP lost: datagrams of the 1000 pps stream missing at the switch, i.e. its outage in ms. Pings lost is what ping itself missed or what that outage costs a steady 100 pps stream, whichever is larger: a ping gap alone also holds the client\'s own scheduling stalls.');
    out.push('', 'The MASTER columns come from the new master\'s journal (keepalived, ha-notify, conntrackd-ha): the outage is VRRP time plus the time forwarding stays held while conntrackd commits the synced flows.');
    if (bgp) out.push('', 'bgp mode: the new master announces the shared IP as primary right after the release (ha-bgp\'s journal line); the last column is when the route server in front of the server (rs1) installed its best path at the new node (`ip monitor route` in its namespace). Traffic comes back once that route has moved: after a hard fault, the dead node\'s announcement lasts until its session ends (hold time or BFD).');
    out.push('');
  }
  r.runs.forEach((m, i) => {
    const bits: string[] = [];
    if (m.ping) bits.push(`ping ${m.ping.received}/${m.ping.sent} (lost ${m.ping.lost}, longest gap ${m.ping.longestGapMs} ms)`);
    if (m.iperf) bits.push(`iperf3 ${m.iperf.ok ? 'ok' : `error: ${m.iperf.error}`} (${(m.iperf.bytes / 1e6).toFixed(1)} MB, ${m.iperf.retransmits} retransmits, longest stall ${m.iperf.longestStallS} s)`);
    if (m.echo) bits.push(`interactive session ${m.echo.echoed}/${m.echo.sent} lines echoed, resets ${m.echo.resets}, longest echo gap ${m.echo.longestGapMs} ms${m.echo.error ? `, error ${m.echo.error}` : ''}`);
    if (m.udp) bits.push(`UDP ${m.udp.received}/${m.udp.sent} (loss ${m.udp.lossPct} %, longest gap ${m.udp.longestGapMs} ms)`);
    if (m.probeErrors.length) bits.push(`probe errors: ${m.probeErrors.join('; ')}`);
    if (bits.length) out.push(`- window ${i + 1}: ${bits.join('; ')}`);
  });
  for (const n of r.notes) out.push(`- ${n}`);
  if (r.alerts) out.push(`- alerts set off in the window (Prometheus: pending began in it, fired by 90 s after it): ${r.alerts.length ? r.alerts.join('; ') : 'none'}`);
  out.push('');
  for (const c of charts) out.push(`![${c}](${c})`);
  out.push('');
  return out.join('\n');
}

export function reportMarkdown(results: readonly ScenarioResult[], rows: readonly ComparedRow[], meta: ReportMeta): string {
  const prom = meta.prometheus.reachable
    ? meta.prometheus.panels.map((p) => (p.file ? `![${p.title}](${p.file})` : `- ${p.title}: ${p.error}`)).join('\n')
    : `Prometheus at ${meta.prometheus.url} was not reachable: no dashboard panels in this report.`;
  return [
    '# Failover drill report', '',
    `Run ${meta.startedAt} .. ${meta.finishedAt}; playbook ${meta.playbook}; inventory ${meta.inventory.join(', ')}.`,
    `VRRP advert_int ${meta.advertIntS} s, down_timer_adverts ${meta.downTimerAdverts ?? 3}, preempt_delay ${meta.preemptDelayS} s. Figures are benchmark results on the lab (one machine, network namespaces): targets are compared here, not asserted by tests.`, '',
    '## Summary', '', summaryTable(rows), '',
    '## Missed targets', '', missesSection(rows, results, meta), '',
    '## Scenarios', '', ...results.map((r) => scenarioSection(r, meta.charts[r.name] ?? [])),
    '## Dashboard panels (Prometheus)', '', prom, '',
  ].join('\n');
}

import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { lintAlloy } from '../../src/observability/alloy-lint.ts';
import { EXAMPLE_LOGS, PATHS, ROOT } from '../../src/observability/generate.ts';
import { alloyConfig, promtailConfig, VRRP_LINE } from '../../src/observability/logs.ts';

const alloy = readFileSync(join(ROOT, PATHS.alloy), 'utf8');
const promtail = parse(readFileSync(join(ROOT, PATHS.promtail), 'utf8')) as Record<string, any>;

// Alloy and Go's RE2 spell named groups (?P<name>); JavaScript spells them (?<name>).
const js = (re: string) => new RegExp(re.replace(/\(\?P</g, '(?<'));

test('Alloy config: balanced, only component blocks at top level, references resolve', (t) => {
  const lint = lintAlloy(alloy);
  t.deepEqual(lint.errors, []);
  const names = lint.components.map((c) => `${c.name}.${c.label}`);
  for (const want of ['loki.write.default', 'loki.source.journal.journal', 'local.file_match.syslog', 'loki.source.file.syslog', 'loki.process.nat_ha', 'loki.relabel.journal']) {
    t.true(names.includes(want), want);
  }
});

test('Alloy config: job label, parsed VRRP state label, Loki URL', (t) => {
  t.regex(alloy, /labels\s+= \{ job = "nat-ha" \}/);
  t.regex(alloy, /stage\.static_labels \{\n\s+values = \{ job = "nat-ha", node = "gw1" \}/);
  t.regex(alloy, /stage\.labels \{\n\s+values = \{ vrrp_state = "", vrrp_instance = "", nft_drop = "" \}/);
  t.regex(alloy, new RegExp(`url = "${EXAMPLE_LOGS.lokiUrl}"`));
  t.regex(alloy, /__path__" = "\/var\/log\/syslog"/);
  t.regex(alloy, /forward_to\s+= \[loki\.process\.nat_ha\.receiver\]/);
});

test('the structure check catches a missing brace, a stray reference and a duplicate block', (t) => {
  t.regex(lintAlloy(alloy.replace(/\n}\n/, '\n')).errors.join('\n'), /never closed/);
  t.regex(lintAlloy(alloy.replace('loki.write.default.receiver', 'loki.write.other.receiver')).errors.join('\n'), /names no declared component \(loki\.write\.other\)/);
  t.regex(lintAlloy(alloy + '\nloki.write "default" {\n}\n').errors.join('\n'), /declared twice/);
  t.regex(lintAlloy('loki.write "x" {\n url = "open\n}\n').errors.join('\n'), /string not closed/);
});

test('the VRRP and nftables regexes match real log lines and name the labels', (t) => {
  const vrrp = js(VRRP_LINE);
  t.deepEqual({ ...vrrp.exec('Keepalived_vrrp[812]: (VI_LAN) Entering MASTER STATE')!.groups }, { vrrp_instance: 'VI_LAN', vrrp_state: 'MASTER' });
  t.is(vrrp.exec('Keepalived_vrrp[812]: (VI_WAN) Entering BACKUP STATE (by user)')!.groups!.vrrp_state, 'BACKUP');
  t.is(vrrp.exec('Keepalived_vrrp[812]: VRRP_Script(chk) failed'), null);
  const nftRe = (/expression = "(natgw[^"]*)"/.exec(alloy)![1]!);
  t.is(js(nftRe).exec('kernel: natgw forward drop: IN=lan OUT=wan SRC=198.18.1.10')!.groups!.nft_drop, 'forward');
  // A prefix with regex metacharacters is matched literally.
  const odd = alloyConfig({ ...EXAMPLE_LOGS, nftLogPrefix: 'gw.1+' });
  t.regex(odd, /expression = "gw\\\\.1\\\\\+ \(\?P<nft_drop>/);
});

test('Promtail config: journal and syslog jobs with the same labels and stages', (t) => {
  t.deepEqual(promtail.clients, [{ url: EXAMPLE_LOGS.lokiUrl }]);
  const [journal, syslog] = promtail.scrape_configs;
  t.is(journal.job_name, 'journal');
  t.deepEqual(journal.journal.labels, { job: 'nat-ha', node: 'gw1' });
  t.is(syslog.static_configs[0].labels.__path__, '/var/log/syslog');
  t.is(syslog.static_configs[0].labels.job, 'nat-ha');
  for (const sc of [journal, syslog]) {
    t.is(sc.pipeline_stages[0].regex.expression, VRRP_LINE);
    t.deepEqual(Object.keys(sc.pipeline_stages[2].labels), ['vrrp_state', 'vrrp_instance', 'nft_drop']);
  }
  t.false(promtailConfig(EXAMPLE_LOGS).includes('*a1'), 'no YAML aliases');
});

// The Ansible twin of site.ts (bench/ansible/) is equivalent: on gateways converged by ts-play,
// files a perturbation broke on gw1 are put back by Ansible exactly as ts-play had them (content,
// owner, group, mode), sysctls included, and ts-play then finds nothing to change. The lynis
// audit is left out on both sides (it is a report, not configuration).
import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from '../../bench/ansible/generate.ts';
import type { TwinSpec } from '../../bench/ansible/extract.ts';
import { procPath } from '../../src/modules/sysctl.ts';
import { ansible } from '../../bench/lib/tools.ts';
import { LAB_INVENTORY, labExec, recap, ROOT, tsplay } from '../helpers/cli.ts';

const GWS = ['gw1', 'gw2'];
const site = (...args: string[]) => tsplay(['playbooks/site.ts', '-i', LAB_INVENTORY, '--skip-tags', 'lynis', ...args], { timeoutMs: 900_000 });

// One line per managed path: kind, path, then what must match (stat, sha256, link target, live value).
const SNAPSHOT = `for a; do
  t=\${a%%:*} p=\${a#*:}
  case $t in
    f) printf 'f %s %s %s\\n' "$p" "$(stat -c %U:%G:%a -- "$p" 2>&1)" "$(sha256sum -- "$p" 2>&1 | cut -d' ' -f1)" ;;
    d) printf 'd %s %s\\n' "$p" "$(stat -c %U:%G:%a -- "$p" 2>&1)" ;;
    l) printf 'l %s %s\\n' "$p" "$(readlink -- "$p" 2>&1)" ;;
    s) printf 's %s %s\\n' "$p" "$(tr -s '\\t ' '  ' < "$p" 2>&1)" ;;
  esac
done`;

function targets(s: TwinSpec): string[] {
  return [
    ...s.files.map((f) => `f:${f.path}`),
    ...s.permissions.map((p) => `f:${p.path}`),
    ...s.dirs.map((d) => `d:${d.path}`),
    ...s.symlinks.map((l) => `l:${l.path}`),
    ...s.sysctls.map((x) => `s:${procPath(x.key)}`),
  ];
}

async function snapshot(host: string, s: TwinSpec): Promise<string[]> {
  const r = await labExec(host, ['sh', '-c', SNAPSHOT, 'sh', ...targets(s)]);
  if (r.code !== 0) throw new Error(`snapshot of ${host} exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

let specs: Map<string, TwinSpec>;
let rendered: string;

test.before(async () => {
  const r = await site();
  if (r.code !== 0) throw new Error(`converging the gateways with ts-play failed:\n${r.stdout.slice(-3000)}${r.stderr}`);
  rendered = mkdtempSync(join(tmpdir(), 'tsp-equiv-'));
  specs = await generate({ playbook: join(ROOT, 'playbooks/site.ts'), inventories: [LAB_INVENTORY], limit: 'gateways', out: rendered, skipTags: ['lynis'] });
});

test.serial('Ansible restores what was broken on gw1 exactly as ts-play had it; ts-play then changes nothing', async (t) => {
  const before = new Map<string, string[]>();
  for (const gw of GWS) before.set(gw, await snapshot(gw, specs.get(gw)!));
  // The snapshot is of ts-play's files: each host's content hashes to what the planner rendered.
  for (const gw of GWS) {
    for (const f of specs.get(gw)!.files) {
      const sha = createHash('sha256').update(f.content).digest('hex');
      t.true(before.get(gw)!.includes(`f ${f.path} ${f.owner}:${f.group}:${parseInt(f.mode, 8).toString(8)} ${sha}`), `${gw} ${f.path}`);
    }
  }
  const broken = await labExec('gw1', ['sh', '-c', [
    'rm -f /etc/keepalived/keepalived.conf /etc/systemd/system/ha-textfile.timer /var/lib/prometheus/node-exporter/ha_check.prom',
    'echo "# local edit" >> /etc/ha-check.conf',
    'chmod 0777 /usr/local/sbin/ha-check.sh',
    'chown nobody:nogroup /etc/sysctl.d/61-arp.conf /var/lib/ha-check',
    'echo 0 > /proc/sys/net/ipv4/conf/all/log_martians',
  ].join(' && ')]);
  t.is(broken.code, 0, broken.stderr);
  t.notDeepEqual(await snapshot('gw1', specs.get('gw1')!), before.get('gw1'));

  const a = await ansible('pipelined', 'bench/ansible/gateways.yml', LAB_INVENTORY, rendered, undefined, ['--limit', 'gw1']);
  t.is(a.code, 0, a.stdout.slice(-4000) + a.stderr);
  t.true((a.recap.get('gw1')?.changed ?? 0) >= 5, a.stdout.slice(-2000));
  for (const gw of GWS) t.deepEqual(await snapshot(gw, specs.get(gw)!), before.get(gw), gw);

  const again = await site('-v');
  t.is(again.code, 0, again.stdout.slice(-4000) + again.stderr);
  for (const gw of GWS) t.is(recap(again.stdout, gw)?.changed, 0, again.stdout.slice(-4000));
});

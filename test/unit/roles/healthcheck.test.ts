import test from 'ava';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { healthcheck } from '../../../roles/healthcheck/index.ts';
import { buildRole, meaningfulLines } from '../../helpers/role-fixture.ts';
import { FakeBin, lintShell } from '../../helpers/fake-bin.ts';

const SCRIPT = join(import.meta.dirname, '../../../roles/healthcheck/files/ha-check.sh');
const LAB = { healthcheck_icmp_targets: ['198.19.0.100'], healthcheck_http_urls: ['http://198.19.0.100/'] };

test('config lists the lab targets; quorum 0 means every group', (t) => {
  const f = buildRole(healthcheck, LAB);
  t.deepEqual(f.errors, []);
  const l = meaningfulLines(f.files.get('/etc/ha-check.conf')!.content);
  for (const want of ['HA_CHECK_GATEWAY=yes', 'HA_CHECK_ICMP_TARGETS=198.19.0.100', 'HA_CHECK_HTTP_URLS=http://198.19.0.100/', 'HA_CHECK_HTTP_STATUS=204', 'HA_CHECK_QUORUM=0', 'HA_CHECK_TIMEOUT=1']) {
    t.true(l.includes(want), want);
  }
  const two = buildRole(healthcheck, { ...LAB, healthcheck_icmp_targets: ['198.19.0.100', '198.19.0.254'] });
  t.true(meaningfulLines(two.files.get('/etc/ha-check.conf')!.content).includes("HA_CHECK_ICMP_TARGETS='198.19.0.100 198.19.0.254'"));
});

test('script security: root-owned script, state dir owned by the script user, user created once', (t) => {
  const f = buildRole(healthcheck, LAB);
  const s = f.files.get('/usr/local/sbin/ha-check.sh')!;
  t.is(`${s.owner}:${s.group} ${s.mode}`, 'root:root 0755');
  t.true(f.tasks.some((x) => x.name === 'directory /var/lib/ha-check'));
  t.true(f.tasks.some((x) => x.name === 'system user keepalived_script'));
});

test('bad values are refused, naming the variable', (t) => {
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ ...LAB, healthcheck_quorum: 4 }, 'healthcheck_quorum'],
    [{ ...LAB, healthcheck_http_urls: ['ftp://x/'] }, 'healthcheck_http_urls'],
    [{ ...LAB, healthcheck_http_urls: ['http://x/$(reboot)'] }, 'healthcheck_http_urls'],
    [{ ...LAB, healthcheck_icmp_targets: ['1.2.3.4; rm'] }, 'healthcheck_icmp_targets'],
    [{ healthcheck_gateway: false }, 'no check configured'],
    [{ ...LAB, healthcheck_timeout: 0.5 }, 'healthcheck_timeout'],
  ];
  for (const [vars, name] of cases) {
    const errors = buildRole(healthcheck, vars).errors;
    t.true(errors.some((e) => e.includes(name)), `${name}: ${errors.join('; ')}`);
  }
});

test('ha-check.sh passes sh -n and shellcheck', (t) => {
  t.is(lintShell(SCRIPT), '');
});

/** A host whose checks answer as told: ping fails for listed addresses, curl answers `code`. */
function host(opts: { pingDown?: string[]; http?: string; noRoute?: boolean; quorum?: number }) {
  const fb = new FakeBin({ logger: 'exit 0' });
  fb.add('ip', opts.noRoute ? 'exit 0' : 'echo "default via 198.19.0.254 dev wan proto static"');
  fb.add('ping', `for a; do :; done; case " ${(opts.pingDown ?? []).join(' ')} " in *" $a "*) exit 1 ;; esac; exit 0`);
  fb.add('curl', `printf '%s' '${opts.http ?? '204'}'`);
  const state = fb.path('state');
  mkdirSync(state);
  const conf = fb.write('ha-check.conf', [
    'HA_CHECK_ICMP_TARGETS=198.19.0.100', 'HA_CHECK_HTTP_URLS=http://198.19.0.100/', `HA_CHECK_QUORUM=${opts.quorum ?? 0}`, `HA_CHECK_STATE_DIR=${state}`,
  ].join('\n'));
  const run = () => fb.run(SCRIPT, [], { HA_CHECK_CONF: conf });
  const prom = () => readFileSync(join(state, 'ha_check.prom'), 'utf8');
  return { fb, run, prom, state };
}

test('healthy when every group passes; metrics written with HELP/TYPE', (t) => {
  const h = host({});
  t.is(h.run().code, 0);
  const p = h.prom();
  t.regex(p, /^ha_check_up 1$/m);
  t.regex(p, /^ha_check_failures_total 0$/m);
  t.regex(p, /^ha_check_group_up\{group="http"\} 1$/m);
  t.regex(p, /^# TYPE ha_check_failures_total counter$/m);
  t.regex(p, /^ha_check_last_run_timestamp_seconds \d{10}$/m);
  t.true(h.fb.calls().some((c) => c.startsWith('ping ') && c.endsWith('198.19.0.254')), 'pings the default route gateway');
  t.false(h.fb.calls().some((c) => c.startsWith('logger')));
});

test('the stopped 204 endpoint makes the node unhealthy: one log line per failing check, counter persists', (t) => {
  const h = host({ http: '000' });
  t.is(h.run().code, 1);
  t.is(h.run().code, 1);
  t.regex(h.prom(), /^ha_check_up 0$/m);
  t.regex(h.prom(), /^ha_check_failures_total 2$/m);
  t.regex(h.prom(), /^ha_check_group_up\{group="http"\} 0$/m);
  const logs = h.fb.calls().filter((c) => c.startsWith('logger -t ha-check'));
  t.is(logs.filter((c) => c.includes('http: http://198.19.0.100/ answered 000 (want 204)')).length, 2);
  t.is(logs.filter((c) => c.includes('unhealthy: 2 of 3 check groups passed, quorum 3')).length, 2);
  t.is(readFileSync(join(h.state, 'failures_total'), 'utf8').trim(), '2');
});

test('a quorum below the number of groups tolerates one failing path', (t) => {
  t.is(host({ http: '503', quorum: 2 }).run().code, 0);
  t.is(host({ http: '503', pingDown: ['198.19.0.100'], quorum: 2 }).run().code, 1);
  const noRoute = host({ noRoute: true });
  t.is(noRoute.run().code, 1);
  t.true(noRoute.fb.calls().some((c) => c.includes('gateway: no default route')));
});

test('no temp files are left in the state directory', (t) => {
  const h = host({});
  h.run();
  t.deepEqual(readdirSync(h.state).sort(), ['ha_check.prom']);
});

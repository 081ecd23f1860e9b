import test from 'ava';
import arp from '../../../roles/arp/index.ts';
import { buildRole, labNetwork, meaningfulLines } from '../../helpers/role-fixture.ts';

const lab = labNetwork('gw1');
const lines = (f: ReturnType<typeof buildRole>, path: string) => meaningfulLines(f.files.get(path)!.content);

test('arp: ignore=1 and announce=2 for all, default, LAN and WAN in 61-arp.conf', (t) => {
  const l = lines(buildRole(arp, lab), '/etc/sysctl.d/61-arp.conf');
  for (const scope of ['all', 'default', 'lan', 'wan']) {
    t.true(l.includes(`net.ipv4.conf.${scope}.arp_ignore = 1`), scope);
    t.true(l.includes(`net.ipv4.conf.${scope}.arp_announce = 2`), scope);
  }
  t.is(l.length, 8);
});

test('arp: bad values are refused naming the variable', (t) => {
  const errs = (v: Record<string, unknown>) => buildRole(arp, { ...lab, ...v }).errors.join('\n');
  t.regex(errs({ arp_ignore: 5 }), /arp_ignore must be 0-3 or 8, got 5/);
  t.regex(errs({ arp_announce: 3 }), /arp_announce must be 0, 1 or 2, got 3/);
  t.regex(errs({ arp_file: '/etc/sysctl.conf' }), /arp_file must be a \.conf file/);
});

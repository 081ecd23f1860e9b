// The package the maintenance lab test upgrades, built on this machine (no lab involved).
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMaintProbe } from '../../src/lab/maint-probe.ts';
import { runProcess } from '../../src/base/process.ts';

const hasDpkgDeb = async () => (await runProcess(['sh', '-c', 'command -v dpkg-deb'])).code === 0;

test('tsp-maint-probe 1.0 and 1.1 build; only 1.1 asks for a reboot', async (t) => {
  if (!(await hasDpkgDeb())) return t.pass('dpkg-deb is not installed here');
  const out = mkdtempSync(join(tmpdir(), 'tsp-probe-out-'));
  const old = await buildMaintProbe('1.0', { rebootRequired: false, outDir: out });
  const next = await buildMaintProbe('1.1', { rebootRequired: true, outDir: out });
  t.is(old, join(out, 'tsp-maint-probe_1.0_all.deb'));
  const field = async (deb: string, f: string) => (await runProcess(['dpkg-deb', '-f', deb, f])).stdout.trim();
  t.deepEqual([await field(old, 'Package'), await field(old, 'Version'), await field(next, 'Version')], ['tsp-maint-probe', '1.0', '1.1']);
  const files = async (deb: string) => (await runProcess(['dpkg-deb', '-c', deb])).stdout;
  t.regex(await files(next), /root\/root .*\.\/usr\/share\/tsp-maint-probe\/VERSION/);
  const postinst = async (deb: string) => (await runProcess(['sh', '-c', 'dpkg-deb --ctrl-tarfile "$1" | tar -xO ./postinst 2>/dev/null', 'sh', deb])).stdout;
  t.is(await postinst(old), '');
  t.regex(await postinst(next), /touch \/run\/reboot-required/);
  await t.throwsAsync(buildMaintProbe('1.1; rm -rf /', { rebootRequired: false, outDir: out }), { message: /not a version/ });
});

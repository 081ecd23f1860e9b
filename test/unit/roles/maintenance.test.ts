import test from 'ava';
import { maintenance, upgradeSelection } from '../../../roles/maintenance/index.ts';
import { buildRole, labNetwork } from '../../helpers/role-fixture.ts';

const lab = (extra: Record<string, unknown> = {}) => ({ ...labNetwork('gw1'), ...extra });

test('maintenance_upgrade: all, security, or a comma-separated list of packages', (t) => {
  t.is(upgradeSelection('all'), 'all');
  t.is(upgradeSelection('security'), 'security');
  t.deepEqual(upgradeSelection('tsp-maint-probe, openssl'), ['tsp-maint-probe', 'openssl']);
});

test('the window\'s tasks: refresh, what it would do, then the node taken out, patched and brought back', (t) => {
  const fx = buildRole(maintenance, lab());
  t.deepEqual(fx.errors, []);
  t.deepEqual(fx.tasks.map((x) => x.module), [
    'aptUpdate', 'aptPending', 'handOver', 'aptUpgrade', 'reboot', 'service', 'waitFor', 'waitFor', 'waitFor', 'waitFor', 'service',
  ]);
  const exporter = fx.tasks.find((x) => x.name === 'node_exporter answers')!;
  t.deepEqual(exporter.probes({ init: 'systemd' })[0]!.argv.slice(-2), ['198.18.0.11', '9100']);
});

test('bad values are refused before any host is touched', (t) => {
  t.deepEqual(buildRole(maintenance, lab({ maintenance_reboot: 'sometimes' })).errors, ['maintenance_reboot must be needed, always or never, got "sometimes"']);
  t.deepEqual(buildRole(maintenance, lab({ maintenance_upgrade: 'Open SSL' })).errors, ['maintenance_upgrade must be all, security or a comma-separated list of package names, got "Open SSL"']);
});

// A role from a package of its own (test/fixtures/role-package, imported by package name) rolled
// out over SSH to a lab host, exactly as a shipped role: converges, then changes nothing.
import test from 'ava';
import { LAB_INVENTORY, labExec, recap, tsplay } from '../helpers/cli.ts';

const PATH = '/etc/tsplay-motd-test';
const run = (...args: string[]) =>
  tsplay(['test/fixtures/playbooks/role-package.ts', '-i', LAB_INVENTORY, '-e', 'motd_owner=lab-admin', '-e', 'mgmt_address=198.18.0.21', ...args]);

test.before(async () => {
  await labExec('client', ['rm', '-f', PATH]);
});

test.after.always(async () => {
  await labExec('client', ['rm', '-f', PATH]);
});

test.serial('the packaged role installs its rendered template, and a second run changes nothing', async (t) => {
  const first = await run();
  t.is(first.code, 0, first.stdout + first.stderr);
  t.is(recap(first.stdout, 'client')?.changed, 1);
  const content = await labExec('client', ['cat', PATH]);
  t.is(content.stdout, 'client: managed by ts-play; ask lab-admin before changing it by hand.\nManagement address: 198.18.0.21\nlab host: changes are rolled back by `lab down`\n');
  const st = await labExec('client', ['stat', '-c', '%U %a', PATH]);
  t.is(st.stdout.trim(), 'root 644');
  const second = await run('-v');
  t.is(second.code, 0, second.stdout + second.stderr);
  t.is(recap(second.stdout, 'client')?.changed, 0);
});

test.serial('a missing required variable of the package is refused before any connection, exit 1', async (t) => {
  const r = await tsplay(['test/fixtures/playbooks/role-package.ts', '-i', LAB_INVENTORY, '-e', 'mgmt_address=198.18.0.21']);
  t.is(r.code, 1, r.stdout + r.stderr);
  t.regex(r.stderr, /motd_owner is required by role motd/);
});

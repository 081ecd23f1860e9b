// A user that is not root: commands go through `sudo -n`, as on a host where root cannot log in.
import test from 'ava';
import { LAB_INVENTORY, labExec, recap, tsplay } from '../helpers/cli.ts';

const PATH = '/etc/tsplay-become-test';
const run = (...args: string[]) => tsplay(['test/fixtures/playbooks/become.ts', '-i', LAB_INVENTORY, '-e', 'ansible_user=deploy', ...args]);

test.before(async () => {
  const setup = [
    'id deploy >/dev/null 2>&1 || useradd --create-home --shell /bin/bash deploy',
    'install -d -m 0700 -o deploy -g deploy /home/deploy/.ssh',
    'install -m 0600 -o deploy -g deploy /root/.ssh/authorized_keys /home/deploy/.ssh/authorized_keys',
    "echo 'deploy ALL=(root) NOPASSWD: ALL' > /etc/sudoers.d/deploy && chmod 0440 /etc/sudoers.d/deploy",
    `rm -f ${PATH}`,
  ].join(' && ');
  const r = await labExec('client', ['sh', '-c', setup]);
  if (r.code !== 0) throw new Error(`setting up the deploy user failed: ${r.stderr}`);
});

test.after.always(async () => {
  await labExec('client', ['sh', '-c', `rm -f ${PATH} /etc/sudoers.d/deploy; userdel -r deploy 2>/dev/null; true`]);
});

test.serial('as a non-root user, tasks run through sudo and manage root-owned files', async (t) => {
  const r = await run();
  t.is(r.code, 0, r.stdout + r.stderr);
  t.is(recap(r.stdout, 'client')?.changed, 1);
  const st = await labExec('client', ['stat', '-c', '%U %a', PATH]);
  t.is(st.stdout.trim(), 'root 600');
  t.is(recap((await run()).stdout, 'client')?.changed, 0);
});

test.serial('with become turned off the same task fails on the host, naming the command', async (t) => {
  await labExec('client', ['rm', '-f', PATH]);
  const r = await run('-e', 'ansible_become=false');
  t.is(r.code, 2, r.stdout + r.stderr);
  t.is(recap(r.stdout, 'client')?.failed, 1);
  t.regex(r.stdout, /Permission denied|not permitted/);
  t.not((await labExec('client', ['test', '-e', PATH])).code, 0);
});

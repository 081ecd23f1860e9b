import { fileURLToPath } from 'node:url';
import { LAB_USAGE, parseLabArgs } from './args.ts';
import { type LabStatus, labDown, labExec, labKill, labLink, labReboot, labReset, labStatus, labUp } from './lab.ts';
import { EXIT_BAD_INPUT, TsPlayError, UsageError, escapeControl } from '../base/errors.ts';

export { labDown, labExec, labKill, labLink, labReboot, labReset, labStatus, labUp } from './lab.ts';
export { LAB } from './topology.ts';

const say = (m: string): void => void process.stderr.write(`lab: ${escapeControl(m)}\n`);

export function formatStatus(s: LabStatus): string {
  const rows = s.hosts.map((h) => {
    const addrs = Object.entries(h.addrs).filter(([i]) => i !== 'lo').map(([i, a]) => `${i}=${a.join(',')}`).join(' ');
    return `${h.name.padEnd(8)} ${h.mgmt.padEnd(14)} ${(h.running ? 'running' : 'stopped').padEnd(8)} ssh:${h.ssh ? 'yes' : 'no '}  ${addrs}`;
  });
  rows.push(`LAN VIP 198.18.1.1: ${s.lanVip ?? 'nobody'}    WAN VIP 198.19.0.1: ${s.wanVip ?? 'nobody'}`);
  return rows.join('\n');
}

/** `ts-play lab <verb>`: returns the exit code; errors a user can act on are one message, no trace. */
export async function labCommand(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseLabArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`lab: ${e.userMessage()}\n${LAB_USAGE}\n`);
    return EXIT_BAD_INPUT;
  }
  try {
    switch (args.verb) {
      case 'help':
        process.stdout.write(`${LAB_USAGE}\n`);
        return 0;
      case 'up': {
        const t0 = Date.now();
        const hosts = await labUp({ light: args.light, ...(args.bastion ? { bastion: true } : {}), log: say });
        say(`${hosts.length} hosts up in ${((Date.now() - t0) / 1000).toFixed(1)} s (inventory/lab.yml)`);
        return 0;
      }
      case 'down':
        await labDown();
        return 0;
      case 'status': {
        const s = await labStatus();
        process.stdout.write(args.json ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s) + '\n');
        return s.hosts.every((h) => h.ssh) ? 0 : 1;
      }
      case 'exec':
        return (await labExec(args.host, args.argv)).code;
      case 'reboot':
        await labReboot(args.host);
        return 0;
      case 'link':
        await labLink(args.host, args.iface, args.up);
        return 0;
      case 'reset':
        await labReset(args.hosts, say);
        return 0;
      case 'kill':
        await labKill(args.host);
        return 0;
    }
  } catch (e) {
    if (e instanceof TsPlayError) {
      say(e.userMessage());
      return e.exitCode;
    }
    throw e;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await labCommand(process.argv.slice(2));
}

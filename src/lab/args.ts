import { UsageError } from '../base/errors.ts';
import { LAB, type Iface } from './topology.ts';

export type LabArgs =
  | { verb: 'help' }
  | { verb: 'up'; light?: number; bastion?: boolean }
  | { verb: 'down' }
  | { verb: 'status'; json: boolean }
  | { verb: 'exec'; host: string; argv: string[] }
  | { verb: 'reboot'; host: string }
  | { verb: 'reset'; hosts: string[] }
  | { verb: 'link'; host: string; iface: Iface; up: boolean }
  | { verb: 'kill'; host: string };

export const LAB_USAGE = `usage: ts-play lab <verb>
  up [--light N] [--bastion] build or repair the lab (N light nodes node01.., 0..500; --bastion: gateways
                            also behind a bastion, inventory/lab-bastion.yml; lasts until down)
  down                      remove everything the lab made (keeps the image cache)
  status [--json]           hosts, addresses, sshd, who holds the VIPs
  exec HOST -- CMD...       run CMD inside HOST, exit with its code
  reboot HOST               reboot HOST (systemctl reboot inside), wait for sshd
  reset HOST...             throw HOST's disk away and boot it bare (a fresh Linode)
  link HOST IFACE down|up   pull or replug a cable (IFACE: mgmt, lan, wan, sync, inet)
  kill HOST                 power loss: kill HOST at once, its links go dark`;

export { UsageError };

function one(rest: string[], what: string): string {
  if (rest.length !== 1 || !rest[0]) throw new UsageError(`expected ${what}`);
  return rest[0];
}

/** Parses the words after `lab`; throws UsageError with what was expected. */
export function parseLabArgs(argv: readonly string[]): LabArgs {
  const [verb, ...rest] = argv;
  switch (verb) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      return { verb: 'help' };
    case 'up': {
      const bastion = rest.includes('--bastion');
      const words = rest.filter((w) => w !== '--bastion');
      const base = { verb: 'up' as const, ...(bastion ? { bastion: true } : {}) };
      if (words.length === 0) return base;
      const v = words[0] === '--light' ? words[1] : words[0]?.startsWith('--light=') ? words[0].slice(8) : undefined;
      const n = v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
      const used = words[0] === '--light' ? 2 : 1;
      if (Number.isNaN(n) || n > LAB.maxLight || words.length !== used) throw new UsageError(`up takes only --light N (N from 0 to ${LAB.maxLight}) and --bastion`);
      return { ...base, light: n };
    }
    case 'down':
      if (rest.length) throw new UsageError('down takes no arguments');
      return { verb: 'down' };
    case 'status':
      if (rest.length > 1 || (rest[0] && rest[0] !== '--json')) throw new UsageError('status takes only --json');
      return { verb: 'status', json: rest[0] === '--json' };
    case 'exec': {
      const sep = rest.indexOf('--');
      const host = sep === 1 ? rest[0] : undefined;
      const cmd = rest.slice(sep + 1);
      if (!host || cmd.length === 0) throw new UsageError('exec HOST -- CMD...');
      return { verb: 'exec', host, argv: cmd };
    }
    case 'reboot':
      return { verb: 'reboot', host: one(rest, 'reboot HOST') };
    case 'kill':
      return { verb: 'kill', host: one(rest, 'kill HOST') };
    case 'reset':
      if (rest.length === 0 || rest.some((h) => !h)) throw new UsageError('reset HOST...');
      return { verb: 'reset', hosts: rest };
    case 'link': {
      const [host, iface, state] = rest;
      if (rest.length !== 3 || !host || !['mgmt', 'lan', 'wan', 'sync', 'inet'].includes(iface ?? '') || !['up', 'down'].includes(state ?? '')) {
        throw new UsageError('link HOST IFACE down|up (IFACE: mgmt, lan, wan, sync, inet)');
      }
      return { verb: 'link', host, iface: iface as Iface, up: state === 'up' };
    }
    default:
      throw new UsageError(`unknown verb ${JSON.stringify(verb)}`);
  }
}

// The lab's gateway pair as the rollout tests drive it: site.ts through the CLI, and who holds
// the VIPs. The suite owns the lab while it runs (test/run.ts holds it), so nothing here retries:
// a run that fails is a failure to explain, not to hide.
import { LAB_INVENTORY, labExec, SKIP_AUDIT, tsplayLines, type CliResult } from './cli.ts';

export const VIPS = ['198.18.1.1/24', '198.19.0.1/24'];

/**
 * site.ts on the gateways through the CLI, with each output line handed to `onLine` as it comes.
 * Without the lynis audits (SKIP_AUDIT): none of these tests is about them.
 */
export function site(args: string[], onLine: (line: string) => void = () => {}, inventory = LAB_INVENTORY): Promise<CliResult> {
  return tsplayLines(['playbooks/site.ts', '-i', inventory, '--limit', 'gateways', ...SKIP_AUDIT, ...args], onLine);
}

/** The gateways that hold every VIP right now. */
export async function holders(vips = VIPS): Promise<string[]> {
  const out: string[] = [];
  for (const gw of ['gw1', 'gw2']) {
    const r = await labExec(gw, ['ip', '-o', '-4', 'addr', 'show']);
    if (vips.every((v) => r.stdout.includes(` ${v} `))) out.push(gw);
  }
  return out;
}

export const tail = (r: CliResult): string => r.stdout.slice(-3000) + r.stderr.slice(-1000);

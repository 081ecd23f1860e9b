import { openInventory } from '../session/inventory-source.ts';
import { sshConnect, sshTarget } from '../session/connect.ts';
import { lazyDecryptor } from '../session/vault-password.ts';
import type { Connection } from '../connection/types.ts';
import { DrillError, type HostExec, labHostExec } from './exec.ts';
import { reconcile, summaryLine } from './reconcile.ts';
import { loadTarget } from './target.ts';

export const RECONCILE_USAGE = `usage: ts-play reconcile -i INVENTORY [-i ...] [--min-parity PCT] [--via ssh|lab] [--json]
  Compares the master's kernel conntrack table and conntrackd internal cache with the backup's
  external cache, prints the drift and logs it to both gateways' syslog (tag ts-play-reconcile).
  Exit 0: parity >= --min-parity (default 99.9); 1: below it or an error. Run it from cron or a
  systemd timer on the control host for periodic reconciliation.`;

/** Commands over SSH with the inventory's connection variables (production), one connection per host. */
async function sshExec(inventories: string[]): Promise<{ exec: HostExec; close: () => Promise<void> }> {
  const inv = await openInventory(inventories, lazyDecryptor(undefined));
  const conns = new Map<string, Promise<Connection>>();
  const exec: HostExec = async (host, argv) => {
    let c = conns.get(host);
    if (!c) {
      const hv = inv.source.hostVars(host);
      c = sshConnect(sshTarget(host, hv.vars, hv.origins, { acceptNewHostKeys: false }));
      conns.set(host, c);
    }
    const r = await (await c).exec(argv);
    return { code: r.code, stdout: r.stdout, stderr: r.stderr };
  };
  const close = async (): Promise<void> => {
    for (const c of conns.values()) await (await c.catch(() => undefined))?.close();
  };
  return { exec, close };
}

export async function reconcileCommand(argv: string[]): Promise<number> {
  const inventories: string[] = [];
  let min = 99.9;
  let via = 'ssh';
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      process.stdout.write(`${RECONCILE_USAGE}\n`);
      return 0;
    } else if ((a === '-i' || a === '--inventory') && argv[i + 1]) inventories.push(argv[++i]!);
    else if (a === '--min-parity' && argv[i + 1]) min = Number(argv[++i]);
    else if (a === '--via' && (argv[i + 1] === 'ssh' || argv[i + 1] === 'lab')) via = argv[++i]!;
    else if (a === '--json') json = true;
    else {
      process.stderr.write(`reconcile: bad argument ${a}\n${RECONCILE_USAGE}\n`);
      return 2;
    }
  }
  if (!inventories.length || !Number.isFinite(min)) {
    process.stderr.write(`reconcile: an inventory (-i) is required\n${RECONCILE_USAGE}\n`);
    return 2;
  }
  const ssh = via === 'ssh' ? await sshExec(inventories) : undefined;
  try {
    const tg = await loadTarget(inventories);
    const r = await reconcile(ssh?.exec ?? labHostExec, { gateways: [tg.master, tg.backup], vips: tg.vips, conntrackdConfig: tg.conntrackdConfig });
    process.stdout.write(json ? JSON.stringify(r, null, 1) + '\n' : summaryLine(r) + '\n');
    return r.internalVsExternal.parityPct >= min ? 0 : 1;
  } catch (e) {
    if (e instanceof DrillError || (e as Error).name === 'InventoryError') {
      process.stderr.write(`reconcile: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  } finally {
    await ssh?.close();
  }
}

if (process.argv[1] && process.argv[1] === import.meta.filename) {
  process.exitCode = await reconcileCommand(process.argv.slice(2));
}

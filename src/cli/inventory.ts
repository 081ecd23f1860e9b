import { UsageError } from '../base/errors.ts';
import { ansibleJson, inventoryGraph, inventoryHost, inventoryList } from '../inventory/listing.ts';
import { openInventory } from '../session/inventory-source.ts';
import { lazyDecryptor } from '../session/vault-password.ts';
import { redact } from '../vault/redact.ts';
import { parseCommandLine } from './options.ts';

export const INVENTORY_USAGE = `usage: ts-play inventory --list | --graph [GROUP] | --host NAME [options]

Prints the inventory as ansible-inventory prints it (the same JSON for --list and --host, the
same tree for --graph), with every variable merged as a run merges it.

  -i, --inventory FILE        inventory file (repeatable; default $TSPLAY_INVENTORY or inventory/hosts.yml)
      --list                  every group and every host's variables (_meta.hostvars)
      --graph [GROUP]         the group tree from GROUP (default all)
      --host NAME             one host's variables
      --vault-password-file F vault password (an executable file is run); or $TSPLAY_VAULT_PASSWORD_FILE
      --show-vaulted          print vaulted values in clear (default: <vaulted>)
  -h, --help                  this text`;

/** `ts-play inventory`: reads, never connects. */
export async function inventoryCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    inventory: { type: 'string', short: 'i', multiple: true },
    list: { type: 'boolean' },
    graph: { type: 'boolean' },
    host: { type: 'string' },
    'vault-password-file': { type: 'string' },
    'show-vaulted': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${INVENTORY_USAGE}\n`);
    return 0;
  }
  const modes = [values.list, values.graph, values.host !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new UsageError('say one of --list, --graph or --host NAME', INVENTORY_USAGE);
  if (positionals.length > (values.graph ? 1 : 0)) throw new UsageError(`unexpected argument: ${positionals.join(' ')}`, INVENTORY_USAGE);
  const decryptor = lazyDecryptor(values['vault-password-file'] ?? env.TSPLAY_VAULT_PASSWORD_FILE);
  const { inventory, source, warnings } = await openInventory(values.inventory?.length ? values.inventory : [env.TSPLAY_INVENTORY || 'inventory/hosts.yml'], decryptor);
  for (const w of warnings) process.stderr.write(redact(`[WARN] ${w}\n`));
  const varsOf = (h: string) => source.hostVars(h).vars;
  const text = values.graph
    ? inventoryGraph(inventory, positionals[0])
    : ansibleJson(values.list ? inventoryList(inventory, varsOf) : inventoryHost(inventory, values.host!, varsOf));
  // Asked for by name, the clear values bypass the redaction every other sink applies.
  process.stdout.write(`${values['show-vaulted'] ? text : redact(text)}\n`);
  return 0;
}

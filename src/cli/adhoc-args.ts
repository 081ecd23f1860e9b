import { UsageError } from '../base/errors.ts';
import type { AdhocRequest } from '../session/adhoc.ts';
import { limitOption } from './args.ts';
import { parseCommandLine } from './options.ts';

/** The options every ad-hoc command shares, as `ts-play PLAYBOOK` spells them. */
export const ADHOC_OPTIONS = `  -i, --inventory FILE        inventory file (repeatable; default $TSPLAY_INVENTORY or inventory/hosts.yml)
  -l, --limit PATTERN         further narrow the hosts the pattern selects
  -e, --extra-vars VARS       variables over the inventory's (connection settings too)
  -f, --forks N               hosts worked on at once (default 10)
  -b, --become                run through sudo -n even as root's equal; --no-become never
      --json                  one JSON document on stdout instead of text
      --vault-password-file F vault password (an executable file is run); or $TSPLAY_VAULT_PASSWORD_FILE
      --known-hosts FILE      known_hosts to check host keys against (every jump host's too)
      --accept-new-host-keys  trust and record the key of a host seen for the first time
  -F, --ssh-config FILE       ssh client config instead of ~/.ssh/config and /etc/ssh/ssh_config
  -h, --help                  this text`;

export interface AdhocArgs extends AdhocRequest {
  forks: number;
  json: boolean;
  positionals: string[];
  values: Record<string, string | boolean | string[] | undefined>;
}

/** Parses the shared options plus `extra`; positionals come back as given (the pattern first). */
export function parseAdhocArgs(argv: string[], usage: string, extra: Record<string, { type: 'string' | 'boolean'; short?: string }> = {}, env: NodeJS.ProcessEnv = process.env): AdhocArgs | 'help' {
  const { values: v, positionals } = parseCommandLine(argv, {
    inventory: { type: 'string', short: 'i', multiple: true },
    limit: { type: 'string', short: 'l' },
    'extra-vars': { type: 'string', short: 'e', multiple: true },
    forks: { type: 'string', short: 'f' },
    become: { type: 'boolean', short: 'b' },
    'no-become': { type: 'boolean' },
    json: { type: 'boolean' },
    'vault-password-file': { type: 'string' },
    'known-hosts': { type: 'string' },
    'accept-new-host-keys': { type: 'boolean' },
    'ssh-config': { type: 'string', short: 'F' },
    help: { type: 'boolean', short: 'h' },
    ...extra,
  });
  if (v.help) return 'help';
  const pattern = positionals[0];
  if (pattern === undefined || pattern.trim() === '') throw new UsageError('no host pattern given', usage);
  const forks = v.forks === undefined ? 10 : Number(v.forks);
  if (!Number.isInteger(forks) || forks < 1) throw new UsageError(`--forks must be a positive whole number, got "${String(v.forks)}"`, usage);
  if (v.become && v['no-become']) throw new UsageError('--become and --no-become contradict each other', usage);
  const vaultPasswordFile = (v['vault-password-file'] as string | undefined) ?? env.TSPLAY_VAULT_PASSWORD_FILE;
  return {
    pattern,
    inventories: (v.inventory as string[] | undefined)?.length ? (v.inventory as string[]) : [env.TSPLAY_INVENTORY || 'inventory/hosts.yml'],
    ...limitOption(v.limit as string | undefined),
    extraVars: (v['extra-vars'] as string[] | undefined) ?? [],
    ...(vaultPasswordFile ? { vaultPasswordFile } : {}),
    ...(v.become ? { become: true } : v['no-become'] ? { become: false } : {}),
    acceptNewHostKeys: Boolean(v['accept-new-host-keys']),
    ...(v['known-hosts'] ? { knownHosts: v['known-hosts'] as string } : {}),
    ...(v['ssh-config'] ? { sshConfig: v['ssh-config'] as string } : {}),
    forks,
    json: Boolean(v.json),
    positionals,
    values: v as AdhocArgs['values'],
  };
}

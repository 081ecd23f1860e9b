import { parseCommandLine } from './options.ts';
import { UsageError } from '../base/errors.ts';

export { UsageError };

export interface PlayArgs {
  playbook: string;
  inventories: string[];
  check: boolean;
  diff: boolean;
  tags: string[];
  skipTags: string[];
  limit?: string;
  extraVars: string[];
  listHosts: boolean;
  listTasks: boolean;
  listTags: boolean;
  forks: number;
  json?: string;
  verbose: number;
  vaultPasswordFile?: string;
  acceptNewHostKeys: boolean;
  knownHosts?: string;
  sshConfig?: string;
  /** Take the run lock of the hosts even when another run holds it. */
  breakLock: boolean;
}

export const PLAY_USAGE = `usage: ts-play PLAYBOOK.ts [options]
       ts-play exec|copy|fetch|inventory|vault|lab|render|drill|reconcile|demo ... (ts-play COMMAND --help)

  -i, --inventory FILE        inventory file (repeatable; default $TSPLAY_INVENTORY or inventory/hosts.yml)
  -l, --limit PATTERN         only these hosts: names, groups, globs, !exclusions, @file
  -t, --tags TAGS             only tasks with these tags (comma separated, repeatable)
      --skip-tags TAGS        skip tasks with these tags
  -e, --extra-vars VARS       key=value, @file.yml or a YAML/JSON mapping (repeatable; highest precedence)
  -C, --check                 read and compare only: report what would change, change nothing
  -D, --diff                  show unified diffs of changed files (vaulted values redacted)
  -f, --forks N               hosts worked on at once within a batch (default 10)
      --json FILE             write events and the recap as JSON
      --list-hosts            print the hosts each play would touch, and exit
      --list-tasks            print the tasks each host would run, and exit
      --list-tags             print the tags in use, and exit
      --vault-password-file F vault password (an executable file is run); or $TSPLAY_VAULT_PASSWORD_FILE
      --known-hosts FILE      known_hosts to check host keys against (default: inventory's tsplay_known_hosts, else ~/.ssh/known_hosts)
      --accept-new-host-keys  trust and record the key of a host seen for the first time
  -F, --ssh-config FILE       ssh client config instead of ~/.ssh/config and /etc/ssh/ssh_config
      --break-lock            take the hosts' run lock even if another run holds it (that run is gone)
  -v, --verbose               more output; shows round trips per host (repeatable)
  -h, --help                  this text

A run that changes hosts locks them (/run/ts-play/lock): a second run is refused, naming the first.
Ctrl-C: nothing new starts, running tasks finish, the recap is printed (exit 130); Ctrl-C again aborts.

exit codes: 0 success, 1 bad input or another run holds the lock (nothing changed), 2 a host failed or a gate stopped the run,
            4 a host was unreachable, 130 interrupted`;

/**
 * Comma-separated words; an option given with nothing in it (`--tags ''`, a variable that expanded
 * to nothing) is refused: Ansible would read it as no filter at all and run everything.
 */
function list(values: string[] | undefined, option: string): string[] {
  const words = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (values?.length && words.length === 0) throw new UsageError(`${option} is empty: name at least one tag (or leave ${option} out)`);
  return words;
}

/** An empty --limit would select every host; it is refused instead (exit 1). */
export function limitOption(limit: string | undefined): { limit?: string } {
  if (limit === undefined) return {};
  if (limit.trim() === '') throw new UsageError('--limit is empty: name hosts or groups (or leave --limit out to mean every host)');
  return { limit };
}

export function parsePlayArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): PlayArgs | 'help' {
  const parsed = parseCommandLine(argv, {
    inventory: { type: 'string', short: 'i', multiple: true },
    limit: { type: 'string', short: 'l' },
    tags: { type: 'string', short: 't', multiple: true },
    'skip-tags': { type: 'string', multiple: true },
    'extra-vars': { type: 'string', short: 'e', multiple: true },
    check: { type: 'boolean', short: 'C' },
    diff: { type: 'boolean', short: 'D' },
    forks: { type: 'string', short: 'f' },
    json: { type: 'string' },
    'list-hosts': { type: 'boolean' },
    'list-tasks': { type: 'boolean' },
    'list-tags': { type: 'boolean' },
    'vault-password-file': { type: 'string' },
    'known-hosts': { type: 'string' },
    'accept-new-host-keys': { type: 'boolean' },
    'ssh-config': { type: 'string', short: 'F' },
    'break-lock': { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  const v = parsed.values;
  if (v.help) return 'help';
  if (parsed.positionals.length !== 1) {
    throw new UsageError(parsed.positionals.length === 0 ? 'no playbook given' : `one playbook at a time, got: ${parsed.positionals.join(' ')}`);
  }
  const forks = v.forks === undefined ? 10 : Number(v.forks);
  if (!Number.isInteger(forks) || forks < 1) throw new UsageError(`--forks must be a positive whole number, got "${v.forks}"`);
  const inventories = v.inventory?.length ? v.inventory : [env.TSPLAY_INVENTORY || 'inventory/hosts.yml'];
  const vaultPasswordFile = v['vault-password-file'] ?? env.TSPLAY_VAULT_PASSWORD_FILE;
  return {
    playbook: parsed.positionals[0]!,
    inventories,
    check: v.check ?? false,
    diff: v.diff ?? false,
    tags: list(v.tags, '--tags'),
    skipTags: list(v['skip-tags'], '--skip-tags'),
    ...limitOption(v.limit),
    extraVars: v['extra-vars'] ?? [],
    listHosts: v['list-hosts'] ?? false,
    listTasks: v['list-tasks'] ?? false,
    listTags: v['list-tags'] ?? false,
    forks,
    ...(v.json ? { json: v.json } : {}),
    verbose: v.verbose?.length ?? 0,
    ...(vaultPasswordFile ? { vaultPasswordFile } : {}),
    acceptNewHostKeys: v['accept-new-host-keys'] ?? false,
    ...(v['known-hosts'] ? { knownHosts: v['known-hosts'] } : {}),
    ...(v['ssh-config'] ? { sshConfig: v['ssh-config'] } : {}),
    breakLock: v['break-lock'] ?? false,
  };
}

import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOutDir, safeParent } from './render-out.ts';
import { UsageError } from './args.ts';
import { planFromOptions } from '../session/plan.ts';
import { parseCommandLine } from './options.ts';

export const RENDER_USAGE = `usage: ts-play render PLAYBOOK.ts -i INVENTORY --host HOST --out DIR [-e VARS] [--tags T]
Writes every file HOST would receive (rendered templates, sysctl files, scripts) under DIR,
at their paths on the host, without contacting it. Vaulted values are written as they would
be installed, so DIR is created 0700. DIR must be new, empty or an earlier render's, and not
a system directory of this machine (/, /etc, /usr, /var ...).`;

export async function renderCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, {
    inventory: { type: 'string', short: 'i', multiple: true },
    host: { type: 'string' },
    out: { type: 'string' },
    'extra-vars': { type: 'string', short: 'e', multiple: true },
    tags: { type: 'string', short: 't', multiple: true },
    'vault-password-file': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(`${RENDER_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || !values.host || !values.out) throw new UsageError(RENDER_USAGE);
  const passwordFile = values['vault-password-file'] ?? process.env.TSPLAY_VAULT_PASSWORD_FILE;
  const { plans } = await planFromOptions({
    playbook: positionals[0]!,
    inventories: values.inventory ?? [process.env.TSPLAY_INVENTORY || 'inventory/hosts.yml'],
    ...(passwordFile ? { vaultPasswordFile: passwordFile } : {}),
    extraVars: values['extra-vars'] ?? [],
    tags: (values.tags ?? []).flatMap((t) => t.split(',')).filter(Boolean),
    limit: values.host,
  });
  const out = renderOutDir(values.out);
  let count = 0;
  for (const plan of plans) {
    const hp = plan.byHost.get(values.host);
    if (!hp) continue;
    for (const role of hp.roles) {
      for (const task of [...role.tasks, ...[...role.handlers.values()].flat()]) {
        const f = task.renders;
        if (!f) continue;
        const dest = join(out, f.path);
        safeParent(out, dest);
        writeFileSync(dest, f.content);
        chmodSync(dest, parseInt(f.mode, 8) & 0o777);
        process.stdout.write(`${f.path}  (${f.owner}:${f.group} ${f.mode}, role ${role.name})\n`);
        count++;
      }
    }
  }
  process.stdout.write(`${count} file(s) for ${values.host} written under ${out}\n`);
  return 0;
}

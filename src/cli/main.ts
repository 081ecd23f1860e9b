import { parsePlayArgs, PLAY_USAGE, UsageError } from './args.ts';
import { playCommand } from './play.ts';
import { renderCommand } from './render.ts';
import { redact } from '../vault/redact.ts';

/** Errors a user can cause: printed as one clear message, never as a stack trace. */
const USER_ERRORS = new Set([
  'UsageError',
  'PlanError',
  'PlaybookError',
  'InventoryError',
  'VaultError',
  'TemplateError',
  'ModuleArgumentError',
  'ExtraVarsError',
  'LabError',
  'DrillUsageError',
]);

async function dispatch(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case '-h':
    case '--help':
      process.stdout.write(`${PLAY_USAGE}\n`);
      return cmd === undefined ? 1 : 0;
    case 'vault':
      return (await import('./vault.ts')).vaultCommand(rest);
    case 'lab':
      return (await import('../lab/cli.ts')).labCommand(rest);
    case 'render':
      return renderCommand(rest);
    case 'drill':
      return (await import('../drill/cli.ts')).drillCommand(rest);
    case 'reconcile':
      return (await import('../drill/reconcile-cli.ts')).reconcileCommand(rest);
    case 'demo':
      return (await import('./demo.ts')).demoCommand();
    default: {
      const args = parsePlayArgs(argv);
      if (args === 'help') {
        process.stdout.write(`${PLAY_USAGE}\n`);
        return 0;
      }
      return playCommand(args);
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    const err = e as Error;
    const known = USER_ERRORS.has(err.name) || USER_ERRORS.has(err.constructor?.name ?? '');
    const text = known || !process.env.TSPLAY_DEBUG ? err.message : (err.stack ?? err.message);
    process.stderr.write(redact(`ts-play: ${text}\n`));
    if (err instanceof UsageError) process.stderr.write('(ts-play --help for usage)\n');
    return 1;
  }
}

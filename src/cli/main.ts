import { EXIT_BAD_INPUT, TsPlayError, UsageError, errorText } from '../base/errors.ts';
import { parsePlayArgs, PLAY_USAGE } from './args.ts';
import { playCommand } from './play.ts';
import { renderCommand } from './render.ts';
import { redact } from '../vault/redact.ts';

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
      return playCommand(args, argv);
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (e) {
    // Errors a user can cause or act on are one clear message; anything else is a bug, whose
    // stack TSPLAY_DEBUG shows.
    const known = e instanceof TsPlayError;
    process.stderr.write(redact(`ts-play: ${errorText(e, !known && Boolean(process.env.TSPLAY_DEBUG))}\n`));
    if (e instanceof UsageError) process.stderr.write('(ts-play --help for usage)\n');
    return known ? e.exitCode : EXIT_BAD_INPUT;
  }
}

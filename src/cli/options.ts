import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../base/errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util's parseArgs as every ts-play command uses it: strict, positionals allowed, and a
 * wrong word is a UsageError with node's first sentence (the rest explains `--`).
 */
export function parseCommandLine<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError((e as Error).message.split(/\.\s/)[0] ?? 'bad arguments');
  }
}

/**
 * A no-echo prompt on the terminal, for vault passwords and encrypt-string values.
 * Raw mode is used rather than readline so nothing typed is ever echoed, and it is always
 * restored, even on Ctrl-C.
 */
import type { ReadStream } from 'node:tty';
import { VaultError } from './errors.ts';

export interface PromptIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
}

export function canPrompt(io: PromptIo): boolean {
  return io.stdin.isTTY === true;
}

export function promptHidden(question: string, io: PromptIo): Promise<string> {
  const input = io.stdin as ReadStream;
  if (!canPrompt(io)) {
    return Promise.reject(new VaultError('source', 'cannot prompt: standard input is not a terminal'));
  }
  io.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = input.isRaw;
    const finish = (err: Error | null): void => {
      input.removeListener('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      io.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003') return finish(new VaultError('source', 'interrupted at the vault prompt'));
        if (ch === '\u0004') {
          if (value === '') return finish(new VaultError('source', 'end of input at the vault prompt'));
          return finish(null);
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}

/**
 * `ts-play vault ...`: the ansible-vault commands ts-play users need, on the same file format.
 * argv is what follows `vault` on the command line. Errors end the command with one line on
 * stderr and a non-zero code; decrypted content is only ever written where it was asked for.
 */
import { EXIT_BAD_INPUT, TsPlayError, errorText } from '../base/errors.ts';
import { parseCommandLine } from './options.ts';
import { editVaultFile, type VaultIo, type VaultOptions } from './vault-edit.ts';

export type { VaultIo, VaultOptions };
import { VaultError } from '../vault/errors.ts';
import { fileExists, readInput, writeFileAtomic } from '../vault/fileio.ts';
import { decryptVault, encryptVault, envelopeVaultId } from '../vault/format.ts';
import { getVaultPassword, parseVaultId } from '../vault/password.ts';
import { promptHidden } from '../vault/prompt.ts';
import { redact } from '../vault/redact.ts';
import { isVaultText } from '../vault/types.ts';

export const VAULT_USAGE = `usage: ts-play vault COMMAND [options]
  encrypt FILE...        encrypt in place (or --output FILE, "-" for stdout)
  decrypt FILE...        decrypt in place (or --output FILE, "-" for stdout)
  view FILE...           print the decrypted content
  edit FILE              decrypt to a private temp file in /dev/shm, run $EDITOR, re-encrypt if changed
  create FILE            open $EDITOR on a new vault file
  rekey FILE...          re-encrypt with a new password (--new-vault-password-file or prompt)
  encrypt-string NAME    encrypt a value (stdin, or a prompt on a terminal) as "NAME: !vault |"
options:
  --vault-password-file FILE   password file, or an executable printing it (default $TSPLAY_VAULT_PASSWORD_FILE, else prompt)
  --vault-id LABEL[@SOURCE]    write format 1.2 labelled LABEL; SOURCE is a password file or "prompt"
  --new-vault-password-file FILE, --new-vault-id LABEL   for rekey
  --output FILE                for encrypt and decrypt of a single file`;

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parse(argv: string[]): { command: string | undefined; args: string[]; opts: VaultOptions; help: boolean } {
  const parsed = parseCommandLine(argv, {
    'vault-password-file': { type: 'string' },
    'new-vault-password-file': { type: 'string' },
    'vault-id': { type: 'string' },
    'new-vault-id': { type: 'string' },
    output: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  const v = parsed.values;
  const opts: VaultOptions = {};
  if (v['vault-password-file'] !== undefined) opts.passwordFile = v['vault-password-file'];
  if (v['new-vault-password-file'] !== undefined) opts.newPasswordFile = v['new-vault-password-file'];
  if (v.output !== undefined) opts.output = v.output;
  if (v['vault-id'] !== undefined) {
    const id = parseVaultId(v['vault-id']);
    opts.vaultId = id.label;
    if (id.source !== undefined) {
      if (opts.passwordFile !== undefined) {
        throw new VaultError('usage', 'give the password once: --vault-id LABEL@SOURCE or --vault-password-file, not both');
      }
      opts.passwordFile = id.source;
    }
  }
  if (v['new-vault-id'] !== undefined) opts.newVaultId = parseVaultId(v['new-vault-id']).label;
  const [command, ...args] = parsed.positionals;
  return { command, args, opts, help: v.help === true };
}

function writeResult(target: string, data: Buffer | string, io: VaultIo): void {
  if (target === '-') io.stdout.write(data);
  else writeFileAtomic(target, data);
}

function readVaultFile(file: string): string {
  const text = readInput(file).toString('utf8');
  if (!isVaultText(text)) throw new VaultError('format', `${file} is not vault-encrypted`, file);
  return text;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

function needFiles(command: string, files: string[], opts: VaultOptions, single: boolean): void {
  if (files.length === 0) throw new VaultError('usage', `vault ${command} needs a FILE`);
  if (single && files.length > 1) throw new VaultError('usage', `vault ${command} takes one FILE`);
  if (opts.output !== undefined && files.length > 1) throw new VaultError('usage', '--output works with a single FILE');
}

async function encrypt(files: string[], opts: VaultOptions, io: VaultIo): Promise<void> {
  const inputs = files.map((file) => {
    const data = readInput(file);
    if (isVaultText(data.toString('utf8'))) throw new VaultError('usage', `${file} is already vault-encrypted`, file);
    return { file, data };
  });
  const password = await getVaultPassword({ passwordFile: opts.passwordFile, env: io.env, io, confirm: true, label: opts.vaultId });
  for (const { file, data } of inputs) {
    writeResult(opts.output ?? file, encryptVault(data, password, { vaultId: opts.vaultId }), io);
    if (opts.output !== '-') io.stderr.write(`encrypted ${file}${opts.output ? ` to ${opts.output}` : ''}\n`);
  }
}

async function decryptEach(files: string[], opts: VaultOptions, io: VaultIo): Promise<Array<{ file: string; text: string; plain: Buffer }>> {
  const texts = files.map((file) => ({ file, text: readVaultFile(file) }));
  const password = await getVaultPassword({ passwordFile: opts.passwordFile, env: io.env, io, label: opts.vaultId });
  return texts.map(({ file, text }) => ({ file, text, plain: decryptVault(text, password, file) }));
}

async function rekey(files: string[], opts: VaultOptions, io: VaultIo): Promise<void> {
  const decrypted = await decryptEach(files, opts, io);
  const password = await getVaultPassword({
    passwordFile: opts.newPasswordFile,
    env: io.env,
    io,
    confirm: true,
    useEnv: false,
  });
  for (const { file, text, plain } of decrypted) {
    const vaultId = opts.newVaultId ?? opts.vaultId ?? envelopeVaultId(text, file);
    writeFileAtomic(file, encryptVault(plain, password, { vaultId }));
    io.stderr.write(`rekeyed ${file}\n`);
  }
}

async function encryptString(args: string[], opts: VaultOptions, io: VaultIo): Promise<void> {
  const [name, ...rest] = args;
  if (name === undefined || rest.length > 0) throw new VaultError('usage', 'vault encrypt-string takes one variable NAME');
  if (!VAR_NAME.test(name)) throw new VaultError('usage', `"${name}" is not a valid variable name`);
  const password = await getVaultPassword({ passwordFile: opts.passwordFile, env: io.env, io, confirm: true, label: opts.vaultId });
  let value: string;
  if (io.stdin.isTTY) {
    value = await promptHidden(`Value for ${name}: `, io);
  } else {
    // One trailing newline is what `echo` adds, never part of the secret.
    value = (await readAll(io.stdin)).toString('utf8').replace(/\r?\n$/, '');
  }
  if (value === '') throw new VaultError('usage', `no value given for ${name}`);
  const envelope = encryptVault(value, password, { vaultId: opts.vaultId });
  const indented = envelope.trimEnd().split('\n').map((line) => `          ${line}`).join('\n');
  io.stdout.write(`${name}: !vault |\n${indented}\n`);
}

async function run(argv: string[], io: VaultIo): Promise<number> {
  const { command, args, opts, help } = parse(argv);
  if (help || command === undefined || command === 'help') {
    (command === undefined && !help ? io.stderr : io.stdout).write(`${VAULT_USAGE}\n`);
    return command === undefined && !help ? 1 : 0;
  }
  switch (command) {
    case 'encrypt':
      needFiles(command, args, opts, false);
      await encrypt(args, opts, io);
      return 0;
    case 'decrypt':
      needFiles(command, args, opts, false);
      for (const { file, plain } of await decryptEach(args, opts, io)) {
        writeResult(opts.output ?? file, plain, io);
        if (opts.output !== '-') io.stderr.write(`decrypted ${file}${opts.output ? ` to ${opts.output}` : ''}\n`);
      }
      return 0;
    case 'view':
      needFiles(command, args, {}, false);
      for (const { plain } of await decryptEach(args, opts, io)) io.stdout.write(plain);
      return 0;
    case 'rekey':
      needFiles(command, args, opts, false);
      await rekey(args, opts, io);
      return 0;
    case 'edit':
    case 'create':
      needFiles(command, args, opts, true);
      if (command === 'create' && fileExists(args[0]!)) {
        throw new VaultError('usage', `${args[0]} exists, use "ts-play vault edit"`, args[0]);
      }
      await editVaultFile(args[0]!, command === 'create', opts, io);
      return 0;
    case 'encrypt-string':
      await encryptString(args, opts, io);
      return 0;
    default:
      throw new VaultError('usage', `unknown vault command "${command}" (see ts-play vault --help)`);
  }
}

export async function vaultCommand(argv: string[], io: Partial<VaultIo> = {}): Promise<number> {
  const full: VaultIo = {
    stdin: io.stdin ?? process.stdin,
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
  };
  try {
    return await run(argv, full);
  } catch (err) {
    // Exit 1 for any bad input, as the main CLI does; 2 means a host failed there.
    full.stderr.write(`ts-play vault: ${redact(errorText(err))}\n`);
    return err instanceof TsPlayError ? err.exitCode : EXIT_BAD_INPUT;
  }
}

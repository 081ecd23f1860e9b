import test from 'ava';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendKnownHost, hostToken, keyBlobType, lookupKnownHosts } from '../../src/connection/known-hosts.ts';

function blob(type: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, randomBytes(32)]);
}

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const K1 = blob('ssh-ed25519').toString('base64');
const K2 = blob('ssh-ed25519').toString('base64');
const K3 = blob('ecdsa-sha2-nistp256').toString('base64');

function file(lines: string[]): string {
  const f = join(mkdtempSync(join(tmpdir(), 'tsp-kh-')), 'known_hosts');
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

test('plain, comma lists, non-default ports and wildcards match as OpenSSH does', (t) => {
  const f = file([
    '# comment',
    `gw1,198.18.0.11 ssh-ed25519 ${K1}`,
    `[198.18.0.12]:2222 ssh-ed25519 ${K2}`,
    `198.18.0.* ecdsa-sha2-nistp256 ${K3}`,
    `!198.18.0.13,198.18.0.1? ssh-ed25519 ${K2}`,
  ]);
  t.deepEqual(lookupKnownHosts(f, '198.18.0.11', 22).map((k) => k.key), [K1, K3, K2]);
  t.deepEqual(lookupKnownHosts(f, '198.18.0.12', 2222).map((k) => k.key), [K2]);
  t.deepEqual(lookupKnownHosts(f, '198.18.0.13', 22).map((k) => k.key), [K3], 'negated pattern excludes the line');
  t.deepEqual(lookupKnownHosts(f, '10.0.0.1', 22), []);
  t.is(lookupKnownHosts(f, '198.18.0.11', 22)[0]!.line, 2, 'line numbers count from 1, comments included');
});

test('hashed entries (HashKnownHosts yes) match their host only', (t) => {
  const f = file([`${hashed('198.18.0.11')} ssh-ed25519 ${K1}`, `${hashed('[198.18.0.11]:2222')} ssh-ed25519 ${K2}`]);
  t.deepEqual(lookupKnownHosts(f, '198.18.0.11', 22).map((k) => k.key), [K1]);
  t.deepEqual(lookupKnownHosts(f, '198.18.0.11', 2222).map((k) => k.key), [K2]);
  t.deepEqual(lookupKnownHosts(f, '198.18.0.12', 22), []);
});

test('@revoked keys are returned marked; @cert-authority lines vouch for nothing', (t) => {
  const f = file([`@revoked * ssh-ed25519 ${K1}`, `@cert-authority *.example ssh-ed25519 ${K2}`, `gw1 ssh-ed25519 ${K2}`]);
  const keys = lookupKnownHosts(f, 'gw1', 22);
  t.deepEqual(keys.map((k) => [k.key, k.revoked]), [[K1, true], [K2, false]]);
});

test('first-contact keys are appended in OpenSSH form, with the port when it is not 22', (t) => {
  const f = file([]);
  appendKnownHost(f, '198.18.0.21', 22, 'ssh-ed25519', K1);
  appendKnownHost(f, '198.18.0.21', 2200, 'ssh-ed25519', K2);
  t.is(readFileSync(f, 'utf8'), `\n198.18.0.21 ssh-ed25519 ${K1}\n[198.18.0.21]:2200 ssh-ed25519 ${K2}\n`);
  t.is(hostToken('h', 22), 'h');
  t.is(keyBlobType(Buffer.from(K3, 'base64')), 'ecdsa-sha2-nistp256');
});

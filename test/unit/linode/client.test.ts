import test from 'ava';
import { LinodeClient } from '../../../src/linode/client.ts';
import { instanceIps, listInstances, share } from '../../../src/linode/api.ts';
import { LinodeApiError } from '../../../src/linode/errors.ts';
import { bulkAccount, gatewayAccount } from '../../helpers/linode-account.ts';
import { startFake, type FakeLinodeApi } from '../../helpers/linode-fake.ts';

const TOKEN = 'fake-token-0123456789abcdef';
const env = { value: TOKEN, origin: 'LINODE_TOKEN (environment)' };

async function withFake(t: { teardown(fn: () => unknown): void }, account = gatewayAccount()): Promise<FakeLinodeApi> {
  const fake = await startFake(account, TOKEN);
  t.teardown(() => fake.stop());
  return fake;
}

const client = (fake: FakeLinodeApi, over: Partial<ConstructorParameters<typeof LinodeClient>[0]> = {}) =>
  new LinodeClient({ token: env, apiUrl: fake.url, backoffMs: 20, ...over });

test('a listing of 600 instances follows every page and sends the token only as a bearer header', async (t) => {
  const fake = await withFake(t, bulkAccount(600));
  const all = await listInstances(client(fake));
  t.is(all.length, 600);
  t.is(new Set(all.map((i) => i.id)).size, 600);
  const gets = fake.seen.filter((s) => s.path === '/linode/instances');
  t.deepEqual(gets.map((s) => s.query), [{ page: '1', page_size: '500' }, { page: '2', page_size: '500' }]);
  t.true(gets.every((s) => s.authorization === `Bearer ${TOKEN}`));
});

test('429 waits as long as Retry-After asks, then succeeds', async (t) => {
  const fake = await withFake(t);
  fake.fault((s) => s.path.endsWith('/ips'), { status: 429, headers: { 'retry-after': '1' } });
  const started = Date.now();
  const ips = await instanceIps(client(fake), 1001);
  t.true(Date.now() - started >= 1000, 'waited for Retry-After');
  t.is(ips.ipv4.public[0]?.address, '203.0.113.20');
  t.is(fake.seen.length, 2);
});

test('500 then success is retried with backoff', async (t) => {
  const fake = await withFake(t);
  fake.fault(() => true, { status: 500 }, 2);
  const all = await listInstances(client(fake));
  t.is(all.length, 16);
  t.is(fake.seen.length, 3);
});

const failures: Array<[string, (f: FakeLinodeApi) => void, Partial<ConstructorParameters<typeof LinodeClient>[0]>, RegExp]> = [
  ['a 5xx that lasts gives up after the attempts allowed', (f) => f.fault(() => true, { status: 503 }, 10), { maxAttempts: 3 }, /^GET \/v4\/linode\/instances\/1001\/ips: 503 fault 503 \(gave up after 3 attempts\)$/],
  [
    'a Retry-After beyond the retry budget gives up at once',
    (f) => f.fault(() => true, { status: 429, headers: { 'retry-after': '600' } }),
    { retryBudgetMs: 5000 },
    /429 fault 429 \(gave up after 1 attempt: Retry-After asks for 600 s, more than the \d+ s left of the 5 s retry budget\)/,
  ],
  ['a timeout names the request', (f) => f.fault(() => true, { status: 200, delayMs: 400 }), { timeoutMs: 100 }, /^GET \/v4\/linode\/instances\/1001\/ips: no answer within 0\.1 s \(timeout\)/],
  ['a dropped connection names the request', (f) => f.fault(() => true, { status: 0 }), {}, /^GET \/v4\/linode\/instances\/1001\/ips: ECONNRESET/],
];
for (const [name, arrange, opts, expected] of failures) {
  test(name, async (t) => {
    const fake = await withFake(t);
    arrange(fake);
    const e = await t.throwsAsync(instanceIps(client(fake, opts), 1001), { instanceOf: LinodeApiError });
    t.regex(e!.message, expected);
    t.false(e!.message.includes(TOKEN));
  });
}

test('401 names where the token came from and the scope to create it with', async (t) => {
  const fake = await withFake(t);
  const e = await t.throwsAsync(listInstances(new LinodeClient({ token: { value: 'revoked-token-999', origin: 'LINODE_TOKEN (environment)' }, apiUrl: fake.url })));
  t.is(
    e!.message,
    'GET /v4beta/linode/instances?page=1&page_size=500: 401 Invalid Token: the Linode API did not accept the token from LINODE_TOKEN (environment) (expired, revoked or mistyped): create a personal access token with linodes:read_only',
  );
  t.is(fake.seen.length, 1, 'an authentication failure is not retried');
});

test('403 names the scope the token lacks', async (t) => {
  const fake = await withFake(t);
  fake.addToken('read-only-token-42', ['linodes:read_only', 'ips:read_only']);
  const c = new LinodeClient({ token: { value: 'read-only-token-42', origin: 'variable linode_token' }, apiUrl: fake.url });
  const e = await t.throwsAsync(share(c, 1002, ['203.0.113.101']));
  t.regex(e!.message, /^POST \/v4beta\/networking\/ips\/share \{"linode_id":1002,"ips":\["203\.0\.113\.101"\]\}: 403 Unauthorized: the token from variable linode_token lacks what this call needs: scope ips:read_write and linodes:read_write/);
  t.deepEqual(fake.account.shared.get(1002), undefined);
});

test('a body the API schema refuses is not sent', async (t) => {
  const fake = await withFake(t);
  const e = await t.throwsAsync(share(client(fake), Number.NaN as unknown as number, ['203.0.113.101']));
  t.regex(e!.message, /^POST \/networking\/ips\/share .*: refused before sending: linode_id: /);
  t.is(fake.seen.length, 0);
});

test('the fake API checks share bodies with the API schema too', async (t) => {
  const fake = await withFake(t);
  const r = await fetch(`${fake.url}/v4beta/networking/ips/share`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify({ linode_id: '1002', ips: [7] }) });
  t.is(r.status, 400);
  t.deepEqual(((await r.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field), ['linode_id', 'ips[0]']);
});

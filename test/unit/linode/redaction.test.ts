import test from 'ava';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planPlaybook } from '../../../src/engine/plan.ts';
import { Runner } from '../../../src/engine/runner.ts';
import { EventBus } from '../../../src/engine/events.ts';
import { JsonSink } from '../../../src/output/json.ts';
import { PlainRenderer } from '../../../src/output/plain.ts';
import { REDACTED } from '../../../src/vault/redact.ts';
import { TOKEN, fakeApi, pairHosts, shareBook } from './share-helpers.ts';

// An API (or a proxy in front of it) that echoes the Authorization header in an error: the
// token then sits in a task's failure reason, and every sink must still show <vaulted>.
test('the token never reaches the terminal, --diff or --json, even when the API echoes it', async (t) => {
  const fake = await fakeApi(t);
  fake.fault((s) => s.method === 'POST', { status: 400, body: { errors: [{ reason: `header was: Bearer ${TOKEN}` }] } });
  const hosts = pairHosts(fake);
  const json = join(mkdtempSync(join(tmpdir(), 'tsp-linode-json-')), 'run.json');
  let text = '';
  const bus = new EventBus().add(new PlainRenderer({ write: (s: string) => (text += s) }, { verbose: true, diff: true })).add(new JsonSink(json));
  const plans = planPlaybook(shareBook('gw-ams-1-a'), hosts.source(), { tags: { tags: [], skipTags: [] }, extraVars: {} });
  await new Runner({ check: false, forks: 1, sink: bus, connect: (h) => hosts.connect(h) }).run(plans);
  await bus.close();
  const written = readFileSync(json, 'utf8');
  for (const [sink, out] of [['terminal', text], ['--json', written]] as const) {
    t.false(out.includes(TOKEN), sink);
    t.true(out.includes(`header was: Bearer ${REDACTED}`), sink);
  }
  t.true(fake.seen.every((s) => s.authorization === `Bearer ${TOKEN}`), 'the API itself receives the real token');
});

import test from 'ava';
import { capacity, LIGHT_HOST_MIB, machineLimits, RESERVE_MIB, type MachineLimits } from '../../src/lab/capacity.ts';

// This machine's kind: 24 GiB, the kernel's default neighbour thresholds, a small pid_max.
const MACHINE: MachineLimits = { memAvailableMiB: 23_000, maxNetNamespaces: 96_365, neighGcThresh2: 512, neighGcThresh3: 1024, pidMax: 32_768 };

test('500 light hosts fit this machine; past 256 hosts the shared ARP table garbage-collects, said, not refused', (t) => {
  const c = capacity(500, 508, MACHINE);
  t.deepEqual(c.refuse, []);
  t.is(c.warn.length, 1);
  t.regex(c.warn[0]!, /^508 hosts make about 1016 ARP entries, over net\.ipv4\.neigh\.default\.gc_thresh2 \(512\)/);
  t.deepEqual(capacity(100, 108, MACHINE), { refuse: [], warn: [] });
  t.regex(capacity(0, 600, MACHINE).warn[0]!, /over net\.ipv4\.neigh\.default\.gc_thresh3 \(1024\).*neighbour table overflow/);
});

test('what cannot fit is refused with the figures: memory, namespaces, processes', (t) => {
  const small = capacity(500, 508, { ...MACHINE, memAvailableMiB: 4000 });
  t.deepEqual(small.refuse, [`500 more light hosts need about ${500 * LIGHT_HOST_MIB} MiB (${LIGHT_HOST_MIB} MiB each) and ${RESERVE_MIB} MiB must stay free: MemAvailable is 4000 MiB`]);
  // Hosts already running take no more memory: only those about to boot count.
  t.deepEqual(capacity(0, 508, { ...MACHINE, memAvailableMiB: 4000 }).refuse, []);
  t.regex(capacity(10, 508, { ...MACHINE, maxNetNamespaces: 300 }).refuse[0]!, /508 hosts need 509 network namespaces: user\.max_net_namespaces is 300/);
  t.regex(capacity(10, 508, { ...MACHINE, pidMax: 4096 }).refuse[0]!, /more than half of kernel\.pid_max \(4096\)/);
});

test('the machine\'s limits are read from /proc', (t) => {
  const m = machineLimits();
  t.true(m.memAvailableMiB > 0);
  for (const v of [m.neighGcThresh2, m.neighGcThresh3, m.pidMax, m.maxNetNamespaces]) t.true(v > 0);
});

// A fake Linode account for the tests' fake API: instances, configuration profiles, additional
// IPv4 addresses and IP Sharing state. Fixture instances and interfaces are checked with
// @linode/validation's own schemas, so the fake never holds what the API would refuse to create.
import { ConfigProfileInterfacesSchema, CreateLinodeSchema } from './linode-schemas.ts';
import type { Config, ConfigInterface, IPAddress, Linode, LinodeIPsResponse } from '../../src/linode/v4.ts';

export interface FakeInstance extends Linode {
  configs: Config[];
  /** Linode Interfaces (interface_generation `linode`): VLANs per instance. */
  linodeInterfaces?: Array<{ id: number; vlan: null | { vlan_label: string; ipam_address: string } }>;
}

export class FakeAccount {
  readonly instances: FakeInstance[] = [];
  /** linode id -> addresses shared with it (what POST /networking/ips/share last set). */
  readonly shared = new Map<number, string[]>();
  /** IPv6 ranges: range -> its region and the instances it is shared with (BGP). */
  readonly ranges = new Map<string, { region: string; prefix: number; linodes: number[] }>();
  private nextId = 1001;

  add(spec: { label: string; region: string; type?: string; tags?: string[]; ipv4?: string[]; vlan?: ConfigInterface | null; generation?: 'linode'; status?: string }): FakeInstance {
    const type = spec.type ?? 'g6-standard-2';
    CreateLinodeSchema.validateSync({ label: spec.label, region: spec.region, type, tags: spec.tags ?? [] }, { abortEarly: false });
    const id = this.nextId++;
    const ifaces: ConfigInterface[] = [{ purpose: 'public', label: null, ipam_address: null, active: true }, ...(spec.vlan ? [spec.vlan] : [])];
    ConfigProfileInterfacesSchema.validateSync(
      ifaces.map((i) => (i.purpose === 'public' ? { purpose: 'public' } : { purpose: i.purpose, label: i.label ?? undefined, ipam_address: i.ipam_address ?? undefined })),
      { abortEarly: false },
    );
    const inst: FakeInstance = {
      id,
      label: spec.label,
      region: spec.region,
      type,
      status: spec.status ?? 'running',
      tags: spec.tags ?? [],
      ipv4: spec.ipv4 ?? [],
      ipv6: `2600:3c00::f03c:${(id % 0xffff).toString(16)}:1/128`,
      image: 'linode/debian12',
      group: '',
      hypervisor: 'kvm',
      specs: { disk: 81920, memory: 4096, vcpus: 2, transfer: 4000, gpus: 0 },
      interface_generation: spec.generation ?? 'legacy_config',
      created: '2025-01-01T00:00:00',
      updated: '2025-01-01T00:00:00',
      configs: spec.generation === 'linode' ? [] : [{ id: id * 10, label: 'My Debian 12 Disk Profile', interfaces: ifaces }],
      ...(spec.generation === 'linode'
        ? { linodeInterfaces: spec.vlan ? [{ id: id * 10, vlan: { vlan_label: spec.vlan.label ?? '', ipam_address: spec.vlan.ipam_address ?? '' } }] : [] }
        : {}),
    };
    this.instances.push(inst);
    return inst;
  }

  byId(id: number): FakeInstance | undefined {
    return this.instances.find((i) => i.id === id);
  }

  /** The instance an IPv4 address is assigned to. */
  ownerOf(address: string): FakeInstance | undefined {
    return this.instances.find((i) => i.ipv4.includes(address));
  }

  ips(inst: FakeInstance): LinodeIPsResponse {
    const entry = (address: string, linode_id: number): IPAddress => ({ address, linode_id, public: !isPrivate(address), region: inst.region, type: 'ipv4', prefix: isPrivate(address) ? 17 : 24 });
    const own = inst.ipv4.map((a) => entry(a, inst.id));
    const shared = (this.shared.get(inst.id) ?? []).filter((a) => !a.includes(':')).map((a) => entry(a, this.ownerOf(a)?.id ?? 0));
    return { ipv4: { public: own.filter((a) => a.public), private: own.filter((a) => !a.public), shared, reserved: [] }, ipv6: { global: [] } };
  }

  /** Why the API would refuse to share these addresses with this instance, if it would. */
  shareProblems(linodeId: number, ips: string[]): string[] {
    const target = this.byId(linodeId);
    if (!target) return [`linode_id: Not found`];
    const out: string[] = [];
    for (const ip of ips) {
      const range = this.ranges.get(ip);
      const owner = this.ownerOf(ip);
      const region = range?.region ?? owner?.region;
      if (!region) out.push(`ips: ${ip} is not an address on this account`);
      else if (region !== target.region) out.push(`ips: ${ip} is not in the target Linode's region`);
    }
    return out;
  }
}

export function isPrivate(address: string): boolean {
  return /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(address);
}

const REGIONS = [
  { region: 'nl-ams', short: 'ams', net: '203.0.113' },
  { region: 'de-fra-2', short: 'fra', net: '198.51.100' },
  { region: 'us-ord', short: 'ord', net: '192.0.2' },
];

/**
 * 3 regions with 2 gateway pairs each (tags `gateway` and `gateway-pair:<name>`; the `a` side
 * holds the pair's additional public IPv4, which is not yet shared), plus stray instances the
 * inventory must leave out or group on their own.
 */
export function gatewayAccount(): FakeAccount {
  const acc = new FakeAccount();
  REGIONS.forEach(({ region, short, net }, r) => {
    for (const n of [1, 2]) {
      const pair = `${short}-${n}`;
      for (const [i, side] of (['a', 'b'] as const).entries()) {
        const host = 10 + n * 10 + i;
        acc.add({
          label: `gw-${pair}-${side}`,
          region,
          type: 'g6-dedicated-2',
          tags: ['gateway', `gateway-pair:${pair}`],
          ipv4: [`${net}.${host}`, `192.168.${128 + r}.${host}`, ...(side === 'a' ? [`${net}.${100 + n}`] : [])],
          vlan: { purpose: 'vlan', label: `lan-${pair}`, ipam_address: `192.168.${10 * n + r}.${2 + i}/24`, active: true },
        });
      }
    }
  });
  acc.add({ label: 'bastion-ams', region: 'nl-ams', type: 'g6-nanode-1', tags: ['mgmt'], ipv4: ['203.0.113.5'] });
  acc.add({ label: 'db-fra-1', region: 'de-fra-2', type: 'g6-standard-4', tags: [], ipv4: ['198.51.100.60', '192.168.129.60'] });
  acc.add({ label: 'ci-runner-ord', region: 'us-ord', type: 'g6-standard-2', tags: ['ci'], ipv4: ['192.0.2.70'], generation: 'linode', vlan: { purpose: 'vlan', label: 'ci', ipam_address: '10.9.0.2/24', active: true } });
  acc.add({ label: 'private-only-ams', region: 'nl-ams', type: 'g6-nanode-1', tags: ['gateway'], ipv4: ['192.168.128.80'], status: 'offline' });
  return acc;
}

/** An account of `n` instances, for paginated listings. */
export function bulkAccount(n: number): FakeAccount {
  const acc = new FakeAccount();
  for (let i = 0; i < n; i++) {
    acc.add({ label: `node-${String(i).padStart(4, '0')}`, region: REGIONS[i % 3]!.region, tags: [`shard-${i % 4}`], ipv4: [`100.64.${Math.floor(i / 250)}.${(i % 250) + 1}`] });
  }
  return acc;
}

// The part of @linode/api-v4 ts-play calls, with the types of what it reads.
//
// The package's own declarations re-export its folders without file extensions
// (`export * from './linodes'`), which TypeScript's NodeNext resolution used here cannot
// follow, so its functions have no types here. The runtime module is the package's as
// published; only the shapes below are declared, from the API's documented responses, and
// limited to the fields ts-play reads.
//
// Loaded on the first call, not at start-up: the package and its validation schemas take a
// quarter of a second to import, which every run that never calls Linode would pay.

export interface Params {
  page?: number;
  page_size?: number;
}

export interface ResourcePage<T> {
  data: T[];
  page: number;
  pages: number;
  results: number;
}

export interface Linode {
  id: number;
  label: string;
  region: string;
  type: string | null;
  status: string;
  tags: string[];
  ipv4: string[];
  ipv6: string | null;
  image: string | null;
  group?: string;
  hypervisor?: string;
  specs?: { disk: number; memory: number; vcpus: number; transfer: number; gpus?: number };
  /** `linode`: interfaces belong to the instance; `legacy_config` (or absent): to configuration profiles. */
  interface_generation?: 'legacy_config' | 'linode' | null;
  created?: string;
  updated?: string;
}

export interface IPAddress {
  address: string;
  linode_id: number;
  public: boolean;
  region: string;
  type: string;
  prefix?: number;
}

export interface LinodeIPsResponse {
  ipv4: { public: IPAddress[]; private: IPAddress[]; shared: IPAddress[]; reserved: IPAddress[] };
  ipv6?: unknown;
}

export interface ConfigInterface {
  purpose: 'public' | 'vlan' | 'vpc';
  label: string | null;
  ipam_address: string | null;
  active: boolean;
}

export interface Config {
  id: number;
  label: string;
  interfaces: ConfigInterface[] | null;
}

export interface LinodeInterfaces {
  interfaces: Array<{ id: number; vlan: null | { vlan_label: string; ipam_address: string } }>;
}

export interface IPRange {
  range: string;
  prefix: number;
  region: string;
  route_target: string | null;
}

export interface IPRangeInformation extends IPRange {
  is_bgp: boolean;
  linodes: number[];
}

interface Used {
  getLinodes(params?: Params): Promise<ResourcePage<Linode>>;
  getLinode(id: number): Promise<Linode>;
  getLinodeIPs(id: number): Promise<LinodeIPsResponse>;
  getLinodeConfigs(linodeId: number, params?: Params): Promise<ResourcePage<Config>>;
  getLinodeInterfaces(linodeId: number): Promise<LinodeInterfaces>;
  getIPv6Ranges(params?: Params): Promise<ResourcePage<IPRange>>;
  getIPv6RangeInfo(range: string): Promise<IPRangeInformation>;
  shareAddresses(payload: { linode_id: number; ips: string[] }): Promise<unknown>;
}

/** What an axios request interceptor may change of a request before it is sent. */
export interface OutgoingRequest {
  url?: string;
  timeout?: number;
  proxy?: false;
  headers: { set(name: string, value: string): unknown };
}

/** api-v4's shared axios instance, as far as ts-play touches it. */
export interface SharedInstance {
  interceptors: { request: { use(fn: (config: OutgoingRequest) => OutgoingRequest): number } };
}

export interface ApiV4 {
  api: Used;
  baseRequest: SharedInstance;
}

let loaded: Promise<ApiV4> | undefined;

export function apiV4(): Promise<ApiV4> {
  loaded ??= import('@linode/api-v4').then((v4) => ({ api: v4 as unknown as Used, baseRequest: v4.baseRequest as unknown as SharedInstance }));
  return loaded;
}

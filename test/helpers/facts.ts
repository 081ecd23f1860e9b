import type { Facts } from '../../src/facts/types.ts';

/** A Debian 12 systemd host; tests override only what they are about. */
export function makeFacts(over: Partial<Facts> = {}): Facts {
  return {
    hostname: 'gw1',
    user: 'root',
    os: { id: 'debian', versionId: '12', codename: 'bookworm', pretty: 'Debian GNU/Linux 12 (bookworm)' },
    kernel: '6.1.0-26-amd64',
    arch: 'x86_64',
    init: 'systemd',
    interfaces: [],
    packages: {},
    ...over,
  };
}

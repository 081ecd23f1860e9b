// Command outputs recorded on the lab's gateways (keepalived 2.2.7, conntrackd 1.4.7, Debian 12),
// trimmed to what the gates read; counts edited per test where the test is about them.

export const ADDR_HOLDER = `1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: mgmt    inet 198.18.0.12/24 scope global mgmt\\       valid_lft forever preferred_lft forever
3: lan    inet 198.18.1.3/24 scope global lan\\       valid_lft forever preferred_lft forever
3: lan    inet 198.18.1.1/24 scope global secondary lan\\       valid_lft forever preferred_lft forever
4: wan    inet 198.19.0.3/24 scope global wan\\       valid_lft forever preferred_lft forever
4: wan    inet 198.19.0.1/24 scope global secondary wan\\       valid_lft forever preferred_lft forever
5: sync    inet 198.18.2.2/24 scope global sync\\       valid_lft forever preferred_lft forever
`;

export const ADDR_BACKUP = `1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: mgmt    inet 198.18.0.11/24 scope global mgmt\\       valid_lft forever preferred_lft forever
3: lan    inet 198.18.1.2/24 scope global lan\\       valid_lft forever preferred_lft forever
4: wan    inet 198.19.0.2/24 scope global wan\\       valid_lft forever preferred_lft forever
5: sync    inet 198.18.2.1/24 scope global sync\\       valid_lft forever preferred_lft forever
`;

/** Only the LAN VIP: a split sync group. */
export const ADDR_LAN_ONLY = ADDR_BACKUP.replace('3: lan    inet 198.18.1.2/24', '3: lan    inet 198.18.1.1/24 scope global secondary lan\\       valid_lft forever preferred_lft forever\n3: lan    inet 198.18.1.2/24');

export function units(keepalived: string, conntrackd: string): string {
  const block = (id: string, state: string) =>
    state === 'absent' ? `Id=${id}.service\nLoadState=not-found\nActiveState=inactive\n` : `Id=${id}.service\nLoadState=loaded\nActiveState=${state}\n`;
  return `${block('keepalived', keepalived)}\n${block('conntrackd', conntrackd)}`;
}

export function states(group: string, lan = group, wan = group): string {
  return `VI_LAN ${lan}\nVI_WAN ${wan}\ngroup-G_NAT ${group}\n`;
}

export function conntrackdStats(internal: number, external: number, recv = 159): string {
  return `cache internal:
current active connections:\t           ${internal}
connections created:\t\t           3\tfailed:\t           0
connections updated:\t\t          12\tfailed:\t           0
connections destroyed:\t\t           1\tfailed:\t           0

cache external:
current active connections:\t           ${external}
connections created:\t\t           4\tfailed:\t           0
connections updated:\t\t           0\tfailed:\t           0
connections destroyed:\t\t           2\tfailed:\t           0

traffic processed:
                   0 Bytes                         0 Pckts

UDP traffic (active device=sync):
                3816 Bytes sent                 2880 Bytes recv
                 218 Pckts sent                  ${recv} Pckts recv
                   0 Error send                    0 Error recv

message tracking:
                   0 Malformed msgs                    0 Lost msgs
`;
}

export const HA_CHECK_LOG = `http: http://198.19.0.100/ answered 000 (want 204)\n`;

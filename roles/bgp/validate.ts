import { bgpPeerProblems, ipOf, isIpv4, validateNetwork, wholeNumber, absolutePath } from 'ts-play';
import type { BgpVars } from './defaults.ts';

const COMMUNITY = /^\d{1,5}:\d{1,5}$/;

/** Checks of the bgp role's variables (bgp mode only: in arp mode the role does nothing). */
export function validateBgp(v: BgpVars): string[] {
  if (v.keepalived_vip_mode !== 'bgp') return [];
  const errors = [...validateNetwork(v), ...bgpPeerProblems(v)];
  if (!isIpv4(ipOf(v.wan_vip))) errors.push(`wan_vip must be the shared IPv4 address, got ${JSON.stringify(v.wan_vip)}`);
  errors.push(...wholeNumber('bgp_local_as', v.bgp_local_as, 1, 4294967294));
  errors.push(...wholeNumber('bgp_keepalive', v.bgp_keepalive, 0, 65535));
  errors.push(...wholeNumber('bgp_hold', v.bgp_hold, 0, 65535));
  // RFC 4271: a hold time is 0 (no keepalives) or at least 3 s; keepalives must come well inside it.
  if (Number.isInteger(v.bgp_hold) && v.bgp_hold !== 0 && v.bgp_hold < 3) errors.push(`bgp_hold must be 0 or at least 3 seconds (RFC 4271), got ${v.bgp_hold}`);
  if (v.bgp_hold > 0 && !(v.bgp_keepalive > 0 && v.bgp_keepalive * 3 <= v.bgp_hold)) {
    errors.push(`bgp_keepalive ${v.bgp_keepalive} must be at most a third of bgp_hold ${v.bgp_hold}, so that one lost keepalive does not end the session`);
  }
  errors.push(...wholeNumber('bgp_bfd_interval_ms', v.bgp_bfd_interval_ms, 10, 60000));
  errors.push(...wholeNumber('bgp_bfd_multiplier', v.bgp_bfd_multiplier, 2, 255));
  errors.push(...wholeNumber('bgp_restart_time', v.bgp_restart_time, 0, 4095));
  for (const k of ['bgp_community_primary', 'bgp_community_secondary'] as const) {
    if (!COMMUNITY.test(v[k])) errors.push(`${k} must be a BGP community like 65000:1, got ${JSON.stringify(v[k])}`);
  }
  if (v.bgp_community_primary === v.bgp_community_secondary) errors.push(`bgp_community_primary and bgp_community_secondary are both ${v.bgp_community_primary}: the route servers could not tell the nodes apart`);
  if (v.bgp_speaker === 'lelastic') {
    errors.push(...absolutePath('bgp_lelastic_binary', v.bgp_lelastic_binary));
    if (!(Number.isInteger(v.bgp_dc_id) && v.bgp_dc_id > 0)) errors.push(`bgp_dc_id must be the Linode data centre id with lelastic (it takes -dcid), got ${v.bgp_dc_id}`);
  }
  errors.push(...absolutePath('keepalived_state_dir', v.keepalived_state_dir));
  return errors;
}

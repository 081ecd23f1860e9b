import { absolutePath, validateNetwork, wholeNumber } from 'ts-play';
import type { KeepalivedVars } from './defaults.ts';


/** Semantic checks on keepalived's variables; each error names the variable. */
export function validateKeepalived(v: KeepalivedVars): string[] {
  const errors = validateNetwork(v);
  errors.push(...wholeNumber('keepalived_priority', v.keepalived_priority, 1, 254));
  errors.push(...wholeNumber('keepalived_peer_priority', v.keepalived_peer_priority, 1, 254));
  errors.push(...wholeNumber('keepalived_lan_vrid', v.keepalived_lan_vrid, 1, 255));
  errors.push(...wholeNumber('keepalived_wan_vrid', v.keepalived_wan_vrid, 1, 255));
  if (v.keepalived_lan_vrid === v.keepalived_wan_vrid) errors.push(`keepalived_lan_vrid and keepalived_wan_vrid must differ (both ${v.keepalived_lan_vrid})`);
  if (v.keepalived_priority === v.keepalived_peer_priority) {
    errors.push(`keepalived_priority and keepalived_peer_priority are both ${v.keepalived_priority}: the preferred node would be decided by address`);
  }
  const preferredHigher = v.keepalived_priority > v.keepalived_peer_priority;
  if ((v.node_role_preferred === 'master') !== preferredHigher) {
    errors.push(`node_role_preferred is ${v.node_role_preferred} but keepalived_priority ${v.keepalived_priority} is ${preferredHigher ? 'above' : 'below'} keepalived_peer_priority ${v.keepalived_peer_priority}`);
  }
  // VRRPv3: 10 ms steps from 0.01 s; whole seconds up to 40.95 s.
  const centis = Math.round(v.keepalived_advert_int * 100);
  if (!(v.keepalived_advert_int >= 0.01 && v.keepalived_advert_int <= 40.95) || Math.abs(centis - v.keepalived_advert_int * 100) > 1e-6) {
    errors.push(`keepalived_advert_int must be 0.01..40.95 s in 10 ms steps (VRRPv3), got ${v.keepalived_advert_int}`);
  }
  errors.push(...wholeNumber('keepalived_down_timer_adverts', v.keepalived_down_timer_adverts, 3, 100));
  errors.push(...wholeNumber('keepalived_check_weight', v.keepalived_check_weight, -253, 253));
  if (v.keepalived_check_weight >= 0) {
    errors.push(`keepalived_check_weight must be negative (a failing check lowers the priority), got ${v.keepalived_check_weight}`);
  } else if (preferredHigher && v.keepalived_priority + v.keepalived_check_weight >= v.keepalived_peer_priority) {
    errors.push(`keepalived_check_weight ${v.keepalived_check_weight} is not enough: keepalived_priority ${v.keepalived_priority} would drop to ${v.keepalived_priority + v.keepalived_check_weight}, not below keepalived_peer_priority ${v.keepalived_peer_priority}, so a failing master would keep the VIPs`);
  }
  errors.push(...wholeNumber('keepalived_check_interval', v.keepalived_check_interval, 1, 3600));
  errors.push(...wholeNumber('keepalived_check_rise', v.keepalived_check_rise, 1, 100));
  errors.push(...wholeNumber('keepalived_check_fall', v.keepalived_check_fall, 1, 100));
  if (!(v.keepalived_check_timeout > 0)) errors.push(`keepalived_check_timeout must be > 0, got ${v.keepalived_check_timeout}`);
  errors.push(...wholeNumber('keepalived_preempt_delay', v.keepalived_preempt_delay, 0, 1000));
  errors.push(...wholeNumber('keepalived_rt_priority', v.keepalived_rt_priority, 0, 99));
  errors.push(...wholeNumber('keepalived_garp_master_repeat', v.keepalived_garp_master_repeat, 1, 255));
  errors.push(...wholeNumber('keepalived_garp_master_delay', v.keepalived_garp_master_delay, 0, 255));
  errors.push(...wholeNumber('keepalived_garp_master_refresh', v.keepalived_garp_master_refresh, 0, 86400));
  errors.push(...wholeNumber('keepalived_garp_master_refresh_repeat', v.keepalived_garp_master_refresh_repeat, 1, 255));
  // Written into keepalived.conf, ha-notify.conf (sourced by a root shell) and a unit file.
  for (const k of ['keepalived_notify_fifo', 'keepalived_state_dir', 'keepalived_hold_command', 'keepalived_bgp_command', 'conntrackd_socket'] as const) errors.push(...absolutePath(k, v[k]));
  // The nftables role's own rule, checked here too: it goes into ha-notify.conf.
  if (!/^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(v.nftables_table)) errors.push(`nftables_table must be a name of letters, digits and _ (max 32), got ${JSON.stringify(v.nftables_table)}`);
  if (v.keepalived_vip_mode !== 'arp' && v.keepalived_vip_mode !== 'bgp') errors.push(`keepalived_vip_mode must be arp or bgp, got "${v.keepalived_vip_mode}"`);
  // Checked in arp mode too: a value given is a value that may reach a file one day.
  if (v.bgp_speaker !== 'frr' && v.bgp_speaker !== 'lelastic') errors.push(`bgp_speaker must be frr or lelastic, got ${JSON.stringify(v.bgp_speaker)}`);
  return errors;
}

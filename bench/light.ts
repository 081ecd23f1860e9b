// The base play of the benchmark's light hosts (sshd only, no systemd): the kernel settings of
// the sysctl and arp roles and the hardening role's sshd drop-in, on every host at once. The
// parts that need systemd or the gateway's packages (sandbox drop-ins, lynis, HA paths) are off.
// Its Ansible twin is bench/ansible/light.yml. Run by bench/run.ts on the lab's light hosts:
//   ts-play bench/light.ts -i .lab/light.yml -f 50
import { definePlaybook } from 'ts-play';
import { sysctl } from '../roles/sysctl/index.ts';
import { arp } from '../roles/arp/index.ts';
import { hardening } from '../roles/hardening/index.ts';

export default definePlaybook([
  {
    name: 'light',
    hosts: 'light',
    // A light host has one interface: it stands in for both of a gateway's.
    vars: { lan_interface: 'mgmt', wan_interface: 'mgmt' },
    roles: [
      sysctl(),
      arp(),
      hardening({
        hardening_lynis: false,
        hardening_sandbox_units: [],
        hardening_root_only: [],
        hardening_root_owned_scripts: [],
        // The guard's fresh-login proof is for hosts that matter; here the drop-in is a plain file.
        hardening_ssh_confirm_timeout: 0,
      }),
    ],
  },
]);

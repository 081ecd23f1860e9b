/**
 * What goes into the host image. Any change here changes the image stamp, so
 * the cached base image is rebuilt by the next `up`.
 */
export const RECIPE_VERSION = 2;

export const SUITE = 'bookworm';

/** Installed in every host, as on a fresh Linode plus what the lab's own checks use. */
export const BASE_PACKAGES = [
  'systemd', 'systemd-sysv', 'dbus', 'libpam-systemd', 'openssh-server', 'python3', 'iproute2',
  'iputils-ping', 'iperf3', 'socat', 'curl', 'ca-certificates', 'sudo', 'tcpdump', 'procps',
];

/** Downloaded with their dependencies into the image's offline apt repository, not installed. */
export const REPO_PACKAGES = [
  'keepalived', 'conntrackd', 'conntrack', 'nftables', 'prometheus-node-exporter', 'prometheus',
  'prometheus-alertmanager', 'lynis', 'ethtool',
  // bgp mode: FRR for the gateways (the bgp role), BIRD for the lab's route servers.
  'frr', 'frr-pythontools', 'bird2',
  // What the roles install besides the daemons: named so they do not depend on a Recommends chain.
  'jq', 'netbase',
  // keepalived role: the resident notify reader releases the forwarding hold through libnftables.
  'python3-nftables',
  // The soak drill loads both gateways' CPUs.
  'stress-ng',
];

/** Installed from the repository into a route server's overlay before its first boot. */
export const ROUTESERVER_PACKAGES = ['bird2'];

export const REPO_DIR = '/var/local/ts-play-repo';

/** Tools the lab itself needs on the machine. */
export const MACHINE_PACKAGES: Record<string, string> = {
  'systemd-nspawn': 'systemd-container',
  debootstrap: 'debootstrap',
  ip: 'iproute2',
  ping: 'iputils-ping',
  'dpkg-scanpackages': 'dpkg-dev',
  'ssh-keygen': 'openssh-client',
  nsenter: 'util-linux',
};

/** The server's "internet" endpoint: answers every GET/HEAD with 204. */
export const HTTP204_PY = `#!/usr/bin/python3
# ts-play lab: the WAN server's health endpoint.
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(204)
        self.end_headers()
    do_HEAD = do_GET
    def log_message(self, *args):
        pass

ThreadingHTTPServer(("0.0.0.0", 80), H).serve_forever()
`;

export const UNITS: Record<string, string> = {
  'tsp-http204.service': `[Unit]
Description=ts-play lab HTTP 204 endpoint
After=network.target

[Service]
ExecStart=/usr/bin/python3 /usr/local/lib/ts-play/http204.py
Restart=always

[Install]
WantedBy=multi-user.target
`,
  'tsp-iperf3.service': `[Unit]
Description=ts-play lab iperf3 server
After=network.target

[Service]
ExecStart=/usr/bin/iperf3 --server
Restart=always

[Install]
WantedBy=multi-user.target
`,
};

/** Units no lab host needs: no console login, no periodic apt runs. */
export const MASKED = [
  'console-getty.service', 'getty@.service', 'apt-daily.timer', 'apt-daily-upgrade.timer',
  'e2scrub_all.timer', 'fstrim.timer', 'systemd-networkd-wait-online.service',
  // Each .path unit costs an inotify instance, of which root has 128 on the whole machine.
  'systemd-ask-password-console.path', 'systemd-ask-password-wall.path',
];

export const SSHD_CONF = `# ts-play lab: each host has its own ed25519 host key, written when its overlay is made.
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
`;

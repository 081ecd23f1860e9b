import { posix } from 'node:path';
import { type AnyTask, absolutePath, defineRole, daemonReload, directory, file, pkg, service, serviceAction, symlink, quote, ipOf, portNumber, validateManagement, validateNetwork } from 'ts-play';
import { defaults, type ExportersVars } from './defaults.ts';

const UNIT_DIR = '/etc/systemd/system';

export function nodeExporterArgs(v: ExportersVars): string[] {
  return [
    `--web.listen-address=${ipOf(v.mgmt_address)}:${v.exporters_listen_port}`,
    `--collector.textfile.directory=${v.exporters_textfile_dir}`,
    ...v.exporters_extra_args,
  ];
}

function validate(v: ExportersVars): string[] {
  const errors = validateNetwork(v);
  errors.push(...validateManagement(v), ...portNumber('exporters_listen_port', v.exporters_listen_port));
  if (!Number.isInteger(v.exporters_interval) || v.exporters_interval < 5 || v.exporters_interval > 15) {
    errors.push(`exporters_interval must be 5..15 seconds (well under the scrape interval, cheap enough to fork), got ${v.exporters_interval}`);
  }
  for (const k of ['exporters_textfile_dir', 'exporters_vrrp_instances_file', 'exporters_vrrp_state_dir'] as const) errors.push(...absolutePath(k, v[k]));
  for (const l of v.exporters_textfile_links) {
    if (absolutePath('', l).length || !l.endsWith('.prom')) errors.push(`exporters_textfile_links: ${JSON.stringify(l)} must be an absolute path to a .prom file`);
  }
  const names = v.exporters_textfile_links.map((l) => posix.basename(l));
  for (const n of ['ha_vrrp.prom', 'nftables.prom', 'conntrackd.prom']) {
    if (names.includes(n)) errors.push(`exporters_textfile_links: ${n} is written by ha-textfile.sh itself`);
  }
  for (const a of v.exporters_extra_args) {
    if (!a.startsWith('--') || /[\s"'\\$`]/.test(a)) errors.push(`exporters_extra_args: "${a}" must be one --flag[=value] without spaces or quotes`);
  }
  return errors;
}

export const exporters = defineRole<ExportersVars>({
  name: 'exporters',
  dir: import.meta.dirname,
  tags: ['observability'],
  defaults,
  validate,
  tasks: (ctx) => {
    const v = ctx.vars;
    const tasks: AnyTask[] = [
      pkg({ names: ['prometheus-node-exporter', 'jq', 'iproute2', 'procps'] }),
      directory({ path: v.exporters_textfile_dir, mode: '0755' }),
      file({
        path: '/etc/default/prometheus-node-exporter', content: ctx.template('prometheus-node-exporter.default.ejs', { args: nodeExporterArgs(v), sh: quote }),
        notify: 'restart node_exporter',
      }),
      directory({ path: `${UNIT_DIR}/prometheus-node-exporter.service.d`, mode: '0755' }),
      file({ path: `${UNIT_DIR}/prometheus-node-exporter.service.d/ts-play.conf`, content: ctx.file('node-exporter-override.conf'), notify: ['systemd daemon-reload', 'restart node_exporter'] }),
      file({ path: '/usr/local/sbin/ha-textfile.sh', content: ctx.file('ha-textfile.sh'), mode: '0755', validate: ['sh', '-n', '%s'] }),
      file({ path: '/etc/ha-textfile.conf', content: ctx.template('ha-textfile.conf.ejs', { sh: quote }), mode: '0644', validate: ['sh', '-n', '%s'] }),
      file({ path: `${UNIT_DIR}/ha-textfile.service`, content: ctx.file('ha-textfile.service'), notify: 'systemd daemon-reload' }),
      file({ path: `${UNIT_DIR}/ha-textfile.timer`, content: ctx.template('ha-textfile.timer.ejs'), notify: ['systemd daemon-reload', 'restart ha-textfile.timer'] }),
      file({ path: `${UNIT_DIR}/ha-textfile.path`, content: ctx.template('ha-textfile.path.ejs'), notify: ['systemd daemon-reload', 'restart ha-textfile.path'] }),
      ...v.exporters_textfile_links.map((target) => symlink({ path: posix.join(v.exporters_textfile_dir, posix.basename(target)), target })),
      // Unit files written in this run must be known to systemd before the units are started.
      daemonReload({ name: 'systemd daemon-reload (new units)', units: ['ha-textfile.timer', 'ha-textfile.path', 'ha-textfile.service', 'prometheus-node-exporter.service'] }),
      service({ unit: 'ha-textfile.timer', state: 'started', enabled: true }),
      service({ unit: 'ha-textfile.path', state: 'started', enabled: true }),
      service({ unit: 'prometheus-node-exporter', state: 'started', enabled: true }),
    ];
    return tasks;
  },
  handlers: () => ({
    'systemd daemon-reload': [daemonReload({})],
    'restart ha-textfile.timer': [serviceAction({ unit: 'ha-textfile.timer', action: 'restart' })],
    'restart ha-textfile.path': [serviceAction({ unit: 'ha-textfile.path', action: 'restart' })],
    // node_exporter holds no HA state: a restart only costs one scrape.
    'restart node_exporter': [serviceAction({ unit: 'prometheus-node-exporter', action: 'restart' })],
  }),
});

export default exporters;

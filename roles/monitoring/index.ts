import { type AnyTask, defineRole, daemonReload, directory, file, pkg, service, serviceAction, quote, renderRules, RULE_FILE_NAME } from 'ts-play';
import { alertmanagerYml, observabilityConfig, prometheusYml } from './config.ts';
import {
  ALERTMANAGER_DEFAULTS, ALERTMANAGER_YML, defaults, PROMETHEUS_YML, RULES_DIR, WEBHOOK_SCRIPT, WEBHOOK_UNIT, type MonitoringVars,
} from './defaults.ts';
import { validateMonitoring } from './validate.ts';

/**
 * The monitor host: Debian's Prometheus scraping the gateways with the NAT-HA alert rules
 * (rendered from src/observability with this inventory's thresholds and `for` durations), and
 * Alertmanager posting to the webhook from the vault. Lab: a webhook receiver that logs payloads.
 */
export const monitoring = defineRole<MonitoringVars>({
  name: 'monitoring',
  dir: import.meta.dirname,
  tags: ['observability'],
  defaults,
  validate: (v) => validateMonitoring(v),
  tasks: (ctx) => {
    const v = ctx.vars;
    const tasks: AnyTask[] = [
      pkg({ names: ['prometheus', 'prometheus-alertmanager'] }),
      directory({ path: RULES_DIR, mode: '0755' }),
      // Rules first: prometheus.yml's check loads the rule files it names, so they must be in place.
      file({
        path: `${RULES_DIR}/${RULE_FILE_NAME}`, content: renderRules(observabilityConfig(v), `inventory of ${ctx.host.name}`),
        validate: ['promtool', 'check', 'rules', '%s'], notify: 'reload prometheus',
      }),
      file({ path: PROMETHEUS_YML, content: prometheusYml(v, ctx.host.name), validate: ['promtool', 'check', 'config', '%s'], notify: 'reload prometheus' }),
      file({ path: '/etc/default/prometheus', content: ctx.template('prometheus.default.ejs', { sh: quote }), notify: 'restart prometheus' }),
      // Holds the webhook URL (a vault value that may carry a token): not world-readable.
      file({
        path: ALERTMANAGER_YML, content: alertmanagerYml(v), owner: 'root', group: 'prometheus', mode: '0640',
        validate: ['amtool', 'check-config', '%s'], notify: 'reload alertmanager',
      }),
      file({ path: ALERTMANAGER_DEFAULTS, content: ctx.template('prometheus-alertmanager.default.ejs', { sh: quote }), notify: 'restart alertmanager' }),
      service({ unit: 'prometheus', state: 'started', enabled: true }),
      service({ unit: 'prometheus-alertmanager', state: 'started', enabled: true }),
    ];
    if (v.monitoring_webhook_receiver) {
      tasks.push(
        pkg({ names: ['python3'] }),
        file({ path: WEBHOOK_SCRIPT, content: ctx.file('alert-webhook.py'), mode: '0755' }),
        file({
          path: `/etc/systemd/system/${WEBHOOK_UNIT}`, content: ctx.template('tsp-alert-webhook.service.ejs', { script: WEBHOOK_SCRIPT }),
          notify: 'restart alert webhook',
        }),
        // Before the start below: systemd must read a new or changed unit first.
        daemonReload({ units: [WEBHOOK_UNIT] }),
        service({ unit: WEBHOOK_UNIT, state: 'started', enabled: true }),
      );
    }
    return tasks;
  },
  handlers: () => ({
    'reload prometheus': [serviceAction({ unit: 'prometheus', action: 'reload' })],
    'restart prometheus': [serviceAction({ unit: 'prometheus', action: 'restart' })],
    'reload alertmanager': [serviceAction({ unit: 'prometheus-alertmanager', action: 'reload' })],
    'restart alertmanager': [serviceAction({ unit: 'prometheus-alertmanager', action: 'restart' })],
    'restart alert webhook': [serviceAction({ unit: WEBHOOK_UNIT, action: 'restart' })],
  }),
});

export default monitoring;

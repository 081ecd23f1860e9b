export const defaults = {
  /** Ping the default route's gateway (read from `ip route show default` at each run). */
  healthcheck_gateway: true,
  /** External hosts to ping; the icmp group passes when any answers. Empty: no icmp group. */
  healthcheck_icmp_targets: [] as string[],
  /** URLs that must answer healthcheck_http_status; any passing is enough. Empty: no http group. */
  healthcheck_http_urls: [] as string[],
  healthcheck_http_status: 204,
  /** Passing groups needed to be healthy; 0 means every configured group. */
  healthcheck_quorum: 0,
  /** Seconds, for each ping (-W) and HTTP request (--max-time). Groups run in parallel. */
  healthcheck_timeout: 1,
  /** Owned by healthcheck_user: the failure counter and the textfile-collector file live here. */
  healthcheck_state_dir: '/var/lib/ha-check',
  /** The user keepalived runs scripts as under enable_script_security. */
  healthcheck_user: 'keepalived_script',
};

export type HealthcheckVars = typeof defaults;

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { DEFAULT_CONFIG } from './config.ts';
import { renderDashboard } from './dashboard.ts';
import { docBlocks, fillDoc } from './docs.ts';
import { alloyConfig, promtailConfig } from './logs.ts';
import { promtoolTests } from './promtool-tests.ts';
import { renderRules, RULE_FILE_NAME } from './rules.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export const PATHS = {
  rules: `roles/monitoring/files/${RULE_FILE_NAME}`,
  promtoolTests: 'test/fixtures/promtool/nat-ha.rules.test.yml',
  dashboard: 'dashboards/grafana-dashboard.json',
  alloy: 'contrib/logs/config.alloy',
  promtail: 'contrib/logs/promtail.yml',
  docs: 'docs/observability.md',
};

/** The example log-shipping files are rendered for the lab's gw1 with a Loki on the monitor host. */
export const EXAMPLE_LOGS = { lokiUrl: 'http://198.18.0.41:3100/loki/api/v1/push', node: 'gw1', nftLogPrefix: 'natgw' };

/** Every generated file with the content the source produces now (docs: the current file with its blocks refilled). */
export function generatedFiles(root = ROOT): { path: string; content: string }[] {
  const c = DEFAULT_CONFIG;
  const rulesFromTests = relative(dirname(join(root, PATHS.promtoolTests)), join(root, PATHS.rules));
  const docPath = join(root, PATHS.docs);
  return [
    { path: PATHS.rules, content: renderRules(c) },
    { path: PATHS.promtoolTests, content: promtoolTests(c, rulesFromTests) },
    { path: PATHS.dashboard, content: renderDashboard(c) },
    { path: PATHS.alloy, content: alloyConfig(EXAMPLE_LOGS) },
    { path: PATHS.promtail, content: promtailConfig(EXAMPLE_LOGS) },
    { path: PATHS.docs, content: fillDoc(readFileSync(docPath, 'utf8'), docBlocks(c)) },
  ];
}

/** Paths whose checked-in content differs from what the source generates. */
export function staleFiles(root = ROOT): string[] {
  return generatedFiles(root)
    .filter((f) => !existsSync(join(root, f.path)) || readFileSync(join(root, f.path), 'utf8') !== f.content)
    .map((f) => f.path);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length) {
      console.error(`out of date (run npm run generate): ${stale.join(', ')}`);
      process.exit(1);
    }
    console.log('generated observability files are up to date');
  } else {
    for (const f of generatedFiles()) {
      mkdirSync(dirname(join(ROOT, f.path)), { recursive: true });
      writeFileSync(join(ROOT, f.path), f.content);
      console.log(`wrote ${f.path}`);
    }
  }
}

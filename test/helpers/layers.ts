/**
 * The import rule of docs/architecture.md as data: layers from the bottom up. A file may import
 * files of its own layer and of layers below; folders listed together on one floor are
 * siblings and may not import each other. test/unit/architecture.test.ts enforces it.
 */
export interface Layer {
  name: string;
  /** Path prefixes (folders end with '/'), relative to the repository root. */
  paths: string[];
}

export const PACKAGE_NAME = 'ts-play';

/** Bottom first. The api layer is what the bare package name resolves to. */
export const FLOORS: Layer[][] = [
  [{ name: 'base', paths: ['src/base/'] }],
  [{ name: 'connection', paths: ['src/connection/'] }],
  [{ name: 'vault', paths: ['src/vault/'] }],
  [{ name: 'inventory', paths: ['src/inventory/'] }],
  [{ name: 'vars', paths: ['src/vars/'] }],
  [{ name: 'facts', paths: ['src/facts/'] }],
  [{ name: 'task', paths: ['src/task/'] }],
  [{ name: 'modules', paths: ['src/modules/'] }],
  [{ name: 'engine', paths: ['src/engine/'] }],
  [
    { name: 'output', paths: ['src/output/'] },
    { name: 'rollout', paths: ['src/rollout/'] },
    { name: 'observability', paths: ['src/observability/'] },
  ],
  [{ name: 'linode', paths: ['src/linode/'] }],
  [{ name: 'api', paths: ['src/index.ts'] }],
  [{ name: 'roles', paths: ['roles/', 'test/fixtures/role-package/'] }],
  [{ name: 'playbooks', paths: ['playbooks/'] }],
  [{ name: 'session', paths: ['src/session/'] }],
  [{ name: 'lab', paths: ['src/lab/'] }],
  [{ name: 'drill', paths: ['src/drill/'] }],
  [
    { name: 'cli', paths: ['src/cli/'] },
    { name: 'bench', paths: ['bench/'] },
  ],
  [{ name: 'bin', paths: ['bin/'] }],
];

/** Files that must not import the package's own folders by path: they see only the package entry. */
export const API_ONLY = ['roles', 'playbooks'];

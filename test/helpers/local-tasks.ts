import type { Task } from '../../src/task/task.ts';

/**
 * A minimal task that keeps one line of text in a file: enough to drive the engine against a
 * real sh (LocalConnection) and observe reads, applies, check mode and handlers.
 */
export function lineInFile(path: string, text: string, opts: { name?: string; tags?: string[]; notify?: string[]; when?: Task['when'] } = {}): Task<string | null, string> {
  return {
    module: 'test-line',
    name: opts.name ?? `line ${path}`,
    ...(opts.tags ? { tags: opts.tags } : {}),
    ...(opts.notify ? { notify: opts.notify } : {}),
    ...(opts.when ? { when: opts.when } : {}),
    probes: () => [{ argv: ['cat', path] }],
    parse: ([r]) => (r!.code === 0 ? r!.stdout : null),
    compare: (actual) =>
      actual === `${text}\n`
        ? { status: 'ok', reason: 'same' }
        : { status: 'change', reason: actual === null ? 'missing' : 'differs', plan: text, diffs: [{ path, before: actual ?? '', after: `${text}\n` }] },
    async apply(conn, plan) {
      const r = await conn.exec(['sh', '-c', 'printf "%s\\n" "$1" > "$2"', 'sh', plan, path]);
      if (r.code !== 0) throw new Error(`write failed: ${r.stderr}`);
    },
  };
}

/** Appends a line to a log file each time it runs: a handler whose runs can be counted. */
export function appendLine(path: string, text: string, name = `append ${path}`): Task<null, null> {
  return {
    module: 'test-append',
    name,
    probes: () => [],
    parse: () => null,
    compare: () => ({ status: 'change', reason: 'always', plan: null }),
    async apply(conn) {
      await conn.exec(['sh', '-c', 'echo "$1" >> "$2"', 'sh', text, path]);
    },
  };
}

export function failing(reason: string): Task<null, null> {
  return {
    module: 'test-fail',
    name: 'fails',
    probes: () => [],
    parse: () => null,
    compare: () => ({ status: 'change', reason: 'always', plan: null }),
    async apply() {
      throw new Error(reason);
    },
  };
}

/**
 * Wants a file to carry a mark, but the file itself comes from an earlier task: while it is
 * missing the comparison depends on that earlier change (as a service on its package).
 */
export function markInFile(path: string, mark: string, name = `mark ${path}`): Task<string | null, null> {
  return {
    module: 'test-mark',
    name,
    probes: () => [{ argv: ['cat', path] }],
    parse: ([r]) => (r!.code === 0 ? r!.stdout : null),
    compare: (actual) =>
      actual === null
        ? { status: 'depends', reason: `${path} not present yet` }
        : actual.includes(mark)
          ? { status: 'ok', reason: 'marked' }
          : { status: 'change', reason: 'add the mark', plan: null },
    async apply(conn) {
      await conn.exec(['sh', '-c', 'echo "$1" >> "$2"', 'sh', mark, path]);
    },
  };
}

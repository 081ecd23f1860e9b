import { runProcess } from '../base/process.ts';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/ts-play.js');

function step(title: string, args: string[]): Promise<number> {
  process.stdout.write(`\n=== ${title}: ts-play ${args.join(' ')}\n`);
  return runProcess([process.execPath, BIN, ...args], { cwd: ROOT, stdio: 'inherit' }).then((r) => r.code);
}

/**
 * `npm run demo`: the lab up, the full rollout on it, one soft failover drill, and where the
 * report is. Each step is the command a user would type, printed before it runs.
 */
export async function demoCommand(): Promise<number> {
  const steps: Array<[string, string[]]> = [
    ['bring the lab up', ['lab', 'up']],
    ['roll out the gateway pair', ['playbooks/site.ts', '-i', 'inventory/lab.yml']],
    ['soft failover drill', ['drill', 'playbooks/drill.ts', '-i', 'inventory/lab.yml', '--scenario', 'soft']],
  ];
  for (const [title, args] of steps) {
    const code = await step(title, args);
    if (code !== 0) {
      process.stderr.write(`demo: step "${title}" failed (exit ${code}); the lab stays up for a look: npm run lab -- status\n`);
      return code;
    }
  }
  process.stdout.write('\ndemo done: the lab is still up (npm run lab -- status; npm run lab -- down to remove it)\n');
  return 0;
}

// Preloaded into each ts-play run of the bench (`node --import`): when the process exits, its own
// CPU time and peak resident memory go to the file TSPLAY_BENCH_USAGE names. The whole process is
// measured: ts-play runs no helper process for SSH (ssh2 is in-process).
import { writeFileSync } from 'node:fs';

const out = process.env.TSPLAY_BENCH_USAGE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ userCpuS: u.userCPUTime / 1e6, systemCpuS: u.systemCPUTime / 1e6, maxRssMiB: u.maxRSS / 1024 }));
  });
}

// Helpers shared by the Node benchmarks (bench/gru.js, bench/trace.js): argument reading, pinning
// to one core, seeded data and the statistics they report.
'use strict';
const { spawnSync } = require('node:child_process');

/** `arg(name, def)`: the value after `--name` in `args`, else `def`. */
function argReader(args) {
  return (name, def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : def;
  };
}

/**
 * Re-executes `script` under `taskset -c 1` and exits with its status, unless already pinned or
 * `--no-pin` was given; without taskset it warns and returns, and the caller runs unpinned.
 */
function pinToOneCore(script, args) {
  if (process.env.GATESCOPE_BENCH_PINNED || args.includes('--no-pin')) return;
  const r = spawnSync('taskset', ['-c', '1', process.execPath, script, ...args], { stdio: 'inherit', env: { ...process.env, GATESCOPE_BENCH_PINNED: '1' } });
  if (r.error) console.error(`bench: taskset unavailable (${r.error.message}); running unpinned`);
  else process.exit(r.status ?? 1);
}

/** Milliseconds from a monotonic clock. */
const now = () => Number(process.hrtime.bigint()) / 1e6;

/** xorshift32 uniform in [-scale, scale), the stream the unit-test fixtures use. */
function uniform(seed, count, scale) {
  let x = seed >>> 0 || 1;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = ((x >>> 8) / 16777216 * 2 - 1) * scale;
  }
  return out;
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };

module.exports = { argReader, pinToOneCore, now, uniform, median };

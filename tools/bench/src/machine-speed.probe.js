// Forked by MachineSpeedProbe (machine-speed.ts) for the length of a measured step: every
// BENCH_PROBE_INTERVAL_MS it runs one unit of fixed work and sends the parent the CPU time the unit took,
// in ms. Plain JavaScript, so it starts without the TypeScript loader; its own CPU is in no process the bench
// measures. The work is the kind the services do (objects built, JSON written and read, a hash), so a
// slower machine (a busier host, a neighbour on the same core) shows here as it shows in them.
'use strict';
const { createHash } = require('node:crypto');

const intervalMs = Number(process.env.BENCH_PROBE_INTERVAL_MS) || 1000;
const REPEATS = 1;
const ITEMS = 20_000;

function unitOfWork() {
  let sum = 0;
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (let i = 0; i < ITEMS; i++) {
      const text = JSON.stringify({ id: i, name: `item-${i}`, lines: [i, i + 1, { quantity: i % 7 }] });
      sum += JSON.parse(text).lines.length + text.length;
      if (i % 100 === 0) sum += createHash('sha256').update(String(sum)).digest()[0];
    }
  }
  return sum;
}

// Compiled and optimized before the first reading counts.
for (let i = 0; i < 8; i++) unitOfWork();

let sink = 0;
const timer = setInterval(() => {
  const before = process.cpuUsage();
  sink ^= unitOfWork();
  const used = process.cpuUsage(before);
  process.send?.({ cpuMs: (used.user + used.system) / 1000, sink: sink & 1 });
}, intervalMs);
process.on('disconnect', () => clearInterval(timer));
process.send?.({ ready: true });

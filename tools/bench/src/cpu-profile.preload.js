// Loaded with `NODE_OPTIONS=--require <this file>` into a service the bench starts: Node refuses
// --cpu-prof in NODE_OPTIONS, and the launcher owns the command line. Starts V8's sampling profiler
// at once and writes a .cpuprofile when the process exits (the launcher stops services with SIGTERM,
// which they handle with a graceful shutdown, so 'exit' fires).
'use strict';
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROFILE_DIR;
const name = process.env.BENCH_CPU_PROFILE_NAME || `cpu-${process.pid}`;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // An in-process inspector session answers synchronously, which is what an 'exit' handler needs.
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}

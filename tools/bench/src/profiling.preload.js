// Loaded with `NODE_OPTIONS=--require <this file>` into a service the bench profiles (--cpu-prof,
// --alloc-prof): Node refuses --cpu-prof in NODE_OPTIONS, and the launcher owns the command line. Each
// profile is written when the process exits (the launcher stops services with SIGTERM, which they handle
// with a graceful shutdown, so 'exit' fires); an in-process inspector session answers synchronously, which
// is what an 'exit' handler needs.
// - BENCH_CPU_PROFILE_DIR: V8's sampling CPU profiler from the start; <name>.cpuprofile.
// - BENCH_ALLOCATION_PROFILE_DIR: V8's sampling heap profiler from SIGUSR2 (sent by the bench as its first
//   measured step begins, so start-up and warm-up stay out), keeping the samples of objects already freed:
//   what was allocated and where, not what is still live; <name>.heapprofile.
'use strict';
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const name = process.env.BENCH_PROFILE_NAME || `profile-${process.pid}`;
const cpuDir = process.env.BENCH_CPU_PROFILE_DIR;
const allocationDir = process.env.BENCH_ALLOCATION_PROFILE_DIR;

if (cpuDir || allocationDir) {
  const session = new Session();
  session.connect();
  const write = (dir, file, profile) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), JSON.stringify(profile));
  };
  if (cpuDir) {
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 1000 });
    session.post('Profiler.start');
    process.once('exit', () => session.post('Profiler.stop', (error, result) => !error && result && write(cpuDir, `${name}.cpuprofile`, result.profile)));
  }
  if (allocationDir) {
    let sampling = false;
    process.once('SIGUSR2', () => {
      session.post('HeapProfiler.enable');
      const options = { samplingInterval: 16 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
      session.post('HeapProfiler.startSampling', options, (error) => (sampling = !error));
    });
    process.once('exit', () => {
      if (sampling)
        session.post('HeapProfiler.stopSampling', (error, result) => !error && result && write(allocationDir, `${name}.heapprofile`, result.profile));
    });
  }
}

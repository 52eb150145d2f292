// Loaded with `NODE_OPTIONS=--require <this file>` into a service the bench starts with --alloc-prof. On
// SIGUSR2 (sent by the bench as its first measured step begins, so start-up and warm-up stay out) it starts
// V8's sampling heap profiler, keeping the samples of objects the collector has already freed: the profile
// is what was allocated, and where, not what is still live. When the process exits (the launcher stops
// services with SIGTERM; they shut down gracefully, so 'exit' fires) it writes a .heapprofile.
'use strict';
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_ALLOCATION_PROFILE_DIR;
const name = process.env.BENCH_ALLOCATION_PROFILE_NAME || `allocations-${process.pid}`;
if (dir) {
  const session = new Session();
  session.connect();
  let sampling = false;
  process.once('SIGUSR2', () => {
    session.post('HeapProfiler.enable');
    session.post(
      'HeapProfiler.startSampling',
      { samplingInterval: 16 * 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true },
      (error) => (sampling = !error),
    );
  });
  process.once('exit', () => {
    if (!sampling) return;
    // An in-process inspector session answers synchronously, which is what an 'exit' handler needs.
    session.post('HeapProfiler.stopSampling', (error, result) => {
      if (error || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.heapprofile`), JSON.stringify(result.profile));
    });
  });
}

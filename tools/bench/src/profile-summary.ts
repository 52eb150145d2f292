import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile (what `node --cpu-prof` writes) that self time needs. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  key: string;
  ms: number;
  share: number;
}

/** Where a frame's code lives: an npm package, our own source folder, node's internals, or V8 (GC, idle). */
export function bucketOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'anonymous'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return url;
  const own = /\/(libs\/shared\/[^/]+|apps\/[^/]+|libs\/[^/]+|tools\/[^/]+)\//.exec(url);
  return own ? own[1] : url;
}

/** Self time per bucket (or per function), largest first: sample intervals attributed to the sampled frame. */
export function selfTimes(profile: CpuProfile, by: 'bucket' | 'function' = 'bucket'): SelfTime[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id);
    if (!node) return;
    const micros = profile.timeDeltas[index] ?? 0;
    const { url, functionName, lineNumber } = node.callFrame;
    const key = by === 'bucket' ? bucketOf(url, functionName) : `${functionName || '(anonymous)'} ${bucketOf(url, functionName)}:${lineNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + micros);
    all += micros;
  });
  return [...totals].map(([key, micros]) => ({ key, ms: micros / 1000, share: all ? micros / all : 0 })).sort((a, b) => b.ms - a.ms);
}

/**
 * Inclusive time per bucket: a sample counts once for every bucket anywhere on its stack, so
 * "pino 12 %" means 12 % of the samples were inside pino or something pino called.
 */
export function inclusiveTimes(profile: CpuProfile): SelfTime[] {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    const micros = profile.timeDeltas[index] ?? 0;
    all += micros;
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const node = nodes.get(current);
      if (node) seen.add(bucketOf(node.callFrame.url, node.callFrame.functionName));
    }
    for (const key of seen) totals.set(key, (totals.get(key) ?? 0) + micros);
  });
  return [...totals].map(([key, micros]) => ({ key, ms: micros / 1000, share: all ? micros / all : 0 })).sort((a, b) => b.ms - a.ms);
}

if (require.main === module) {
  const [file, by = 'bucket', top = '25'] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node -r ./tools/register.js tools/bench/src/profile-summary.ts <file.cpuprofile> [bucket|function|inclusive] [top]\n');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const rows = (by === 'inclusive' ? inclusiveTimes(profile) : selfTimes(profile, by === 'function' ? 'function' : 'bucket')).slice(0, Number(top));
  for (const row of rows) process.stdout.write(`${(row.share * 100).toFixed(1).padStart(5)} %  ${row.ms.toFixed(0).padStart(7)} ms  ${row.key}\n`);
}

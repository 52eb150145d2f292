import { readFileSync } from 'node:fs';
import { bucketOf } from './profile-summary';

/** The parts of a V8 sampling heap profile (`HeapProfiler.stopSampling`, a .heapprofile file) read here. */
export interface AllocationProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  /** Bytes sampled as allocated by this frame itself. */
  selfSize: number;
  children?: AllocationProfileNode[];
}

export interface AllocationShare {
  key: string;
  bytes: number;
  share: number;
}

/**
 * Sampled bytes per bucket (npm package, our source folder, node internals: bucketOf), per function, or
 * inclusive per bucket (a sample counts once for every bucket on its stack, so "pino 18 %" means 18 % of
 * the bytes were allocated inside pino or by something pino called). Largest first.
 */
export function allocations(root: AllocationProfileNode, by: 'bucket' | 'function' | 'inclusive' = 'bucket'): AllocationShare[] {
  const totals = new Map<string, number>();
  let all = 0;
  const add = (key: string, bytes: number) => totals.set(key, (totals.get(key) ?? 0) + bytes);
  const walk = (node: AllocationProfileNode, onStack: ReadonlySet<string>) => {
    const { url, functionName, lineNumber } = node.callFrame;
    const bucket = bucketOf(url, functionName);
    const stack = by === 'inclusive' && !onStack.has(bucket) ? new Set([...onStack, bucket]) : onStack;
    all += node.selfSize;
    if (node.selfSize > 0) {
      if (by === 'bucket') add(bucket, node.selfSize);
      else if (by === 'function') add(`${functionName || '(anonymous)'} ${bucket}:${lineNumber + 1}`, node.selfSize);
      else for (const key of stack) add(key, node.selfSize);
    }
    for (const child of node.children ?? []) walk(child, stack);
  };
  walk(root, new Set());
  return [...totals].map(([key, bytes]) => ({ key, bytes, share: all ? bytes / all : 0 })).sort((a, b) => b.bytes - a.bytes);
}

/** All sampled bytes of a profile. */
export function totalAllocated(root: AllocationProfileNode): number {
  return root.selfSize + (root.children ?? []).reduce((sum, child) => sum + totalAllocated(child), 0);
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const sagas = Number(args.find((arg) => arg.startsWith('--sagas='))?.slice('--sagas='.length) ?? NaN);
  const [file, by = 'bucket', top = '25'] = args.filter((arg) => !arg.startsWith('--'));
  if (!file || !['bucket', 'function', 'inclusive'].includes(by)) {
    process.stderr.write(
      'usage: node -r ./tools/register.js tools/bench/src/allocation-summary.ts <file.heapprofile> [bucket|function|inclusive] [top] [--sagas=N]\n' +
        '  --sagas: the sagas completed while sampling (the measured steps), to print KB per saga\n',
    );
    process.exit(2);
  }
  const root = (JSON.parse(readFileSync(file, 'utf8')) as { head: AllocationProfileNode }).head;
  const total = totalAllocated(root);
  const perSaga = (bytes: number) => (Number.isFinite(sagas) && sagas > 0 ? `  ${(bytes / sagas / 1024).toFixed(1).padStart(7)} KB/saga` : '');
  process.stdout.write(`${(total / 1024 / 1024).toFixed(1)} MB sampled${perSaga(total)}\n`);
  for (const row of allocations(root, by as 'bucket' | 'function' | 'inclusive').slice(0, Number(top)))
    process.stdout.write(`${(row.share * 100).toFixed(1).padStart(5)} %${perSaga(row.bytes)}  ${row.key}\n`);
}

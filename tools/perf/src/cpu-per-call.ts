/** CPU µs per call of `call` in this process, after a warm-up of a tenth as many calls. */
export function cpuMicrosPerCall(count: number, call: () => unknown): number {
  for (let i = 0; i < count / 10; i += 1) call();
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 1) call();
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / count;
}

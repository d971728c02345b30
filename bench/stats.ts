import { loadavg } from 'node:os';

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Median and p95 of a series of milliseconds, in one printable line. */
export function summary(label: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return `${label.padEnd(34)} n=${sorted.length}  p50=${percentile(sorted, 50).toFixed(3)} ms  p95=${percentile(sorted, 95).toFixed(3)} ms`;
}

export function machine(): string {
  return `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; node ${process.version}`;
}

/** The best of `times` runs of fn, in ms. */
export function fastest(fn: () => void, times = 20): number {
  let min = Infinity;
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

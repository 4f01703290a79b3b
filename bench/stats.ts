/** Latency statistics of the benchmarks: the nearest-rank percentile of sorted samples (ms). */

export interface LatencyStats {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function latencyStats(samples: number[]): LatencyStats {
  const sorted = [...samples].sort((x, y) => x - y);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    requests: samples.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    mean: round(samples.reduce((sum, n) => sum + n, 0) / (samples.length || 1)),
    max: round(sorted[sorted.length - 1] ?? Number.NaN),
  };
}

/** Small statistics and formatting helpers shared by the benchmarks. */

/** The q-quantile (0..1) of a list of numbers, nearest-rank; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Milliseconds with a precision that suits their size. */
export function ms(v: number): string {
  if (!Number.isFinite(v)) return '–';
  return v >= 100 ? `${v.toFixed(0)} ms` : v >= 10 ? `${v.toFixed(1)} ms` : `${v.toFixed(2)} ms`;
}

export function bytes(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v >= 1 << 30) return `${(v / 2 ** 30).toFixed(2)} GiB`;
  if (v >= 1 << 20) return `${(v / 2 ** 20).toFixed(1)} MiB`;
  if (v >= 1 << 10) return `${(v / 1024).toFixed(2)} KiB`;
  return `${v.toFixed(0)} B`;
}

/** "✔ met" / "✘ missed" beside a figure and its target. */
export function verdict(ok: boolean): string {
  return ok ? '✔ met' : '✘ missed';
}

/** Samples the process RSS (all threads) every `everyMs` until stopped; returns the peak. */
export function rssSampler(everyMs = 20): { sample(): void; stop(): number } {
  let peak = process.memoryUsage().rss;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, everyMs);
  return {
    sample,
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** Value of `--name value` on the command line, or the fallback. */
export function argValue(argv: readonly string[], name: string, fallback?: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--') ? argv[i + 1] : fallback;
}

export function argFlag(argv: readonly string[], name: string): boolean {
  return argv.includes(`--${name}`);
}

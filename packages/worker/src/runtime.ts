// How a worker process is started, and what it asks of V8 while it exports.

/**
 * V8 lets the young generation grow to 64 MB and more while an export churns through short-lived
 * buffers and strings; capped at 2 MB it is collected as often as it fills, with no measurable
 * loss of speed. --expose-gc lets an export free what gzip is done with (collectYoungGarbage).
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=2', '--expose-gc'] as const;

type Collector = (options: { type: 'minor' | 'major' }) => void;

/**
 * Frees the young generation's garbage, where the process allows it (WORKER_NODE_FLAGS), and
 * does nothing otherwise. gzip hands its output on in new buffers, dead once copied into a part;
 * but an export of posts makes so few JavaScript objects that the young generation seldom fills,
 * and V8 would collect those buffers only once some 64 MB of them had piled up. Called after each
 * megabyte of gzip output, it takes a fraction of a millisecond and keeps a million-post export's
 * memory where a hundred-thousand-post export's is (pnpm bench:export).
 */
export function collectYoungGarbage(): void {
  (globalThis as { gc?: Collector }).gc?.({ type: 'minor' });
}

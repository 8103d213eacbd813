// How a worker process is started. V8 lets the young generation grow to 64 MB and more while an
// export churns through short-lived buffers and strings; capped at 2 MB it is collected as often
// as it fills, with no measurable loss of speed, and a million-post export peaks under 200 MB
// instead of over 300 (pnpm bench:export).
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=2'] as const;

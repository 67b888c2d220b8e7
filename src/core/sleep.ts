// Waits without an event loop turn, for the synchronous paths (a lock, a full pipe).
const cell = new Int32Array(new SharedArrayBuffer(4));

export function sleepSync(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}

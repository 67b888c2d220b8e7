// Types of bench/index-writes.mjs, for its unit test (test/unit/bench/index-writes.test.ts).
export const WRITE_CALLS: Record<string, number>;
export const RENAME_CALLS: string[];
export const TRACED: string;
export function bytesWrittenTo(traceText: string, file: string): { bytes: number; writes: number; replacedBy: string[] };

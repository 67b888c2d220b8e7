// Types of bench/targets.mjs, for its unit test (test/unit/bench/targets.test.ts).
export type Target =
  | { kind: 'ratio' | 'count'; max: number }
  | { kind: 'absolute'; max: number; unit: string }
  | { kind: 'bytes'; max: number }
  | { kind: 'scaling'; of: string; over: string; max: number }
  | { kind: 'context' };
export type BenchCase = { id: string; group: string; name: string; measuredAs: string; floor: string | null; target: Target; unit?: string };
export type Measurement = { times?: number[] | null; floor?: number[]; machineFloor?: number[]; value?: number | null; size?: number | null; check?: boolean; note?: string };
export type Stats = { median: number; min: number; max: number; n: number };
export type Result = {
  id: string; status: 'pass' | 'FAIL' | 'context' | 'not run'; pass: boolean | null; value: number | null; ratio: number | null;
  machineRatio: number | null; stats: Stats | null; missing?: string; failedCheck?: string; missedBy?: number | null; size?: number; note?: string;
};
export type Judged = { case: BenchCase; result: Result };

export const FLOORS: Record<string, string>;
export const CASES: BenchCase[];
export const GROUPS: string[];
export const TABLE_HEADER: string[];
export function selectGroups(only: string | undefined): { groups: string[]; unknown: string[] };
export function stats(values: unknown): Stats | null;
export function ratioOf(values: unknown, floorValues: unknown): number | null;
export function evaluate(c: BenchCase, measurements: Record<string, Measurement>, ran?: boolean): Result;
export function evaluateAll(measurements: Record<string, Measurement>, groups?: string[]): Judged[];
export function formatAmount(value: number | null | undefined, unit: string): string;
export function tableRows(judged: Judged[]): string[][];
export function markdownTable(header: string[], rows: string[][]): string;
export function missLines(judged: Judged[]): string[];
export function summary(judged: Judged[]): { pass: number; fail: number; context: number; notRun: number };

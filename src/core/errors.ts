// Errors the CLI turns into one line on stderr and an exit code.

// Bad input from the user or the environment: exit code 2.
export class UsageError extends Error {
  readonly exitCode = 2;
}

// An operation that was valid but failed: exit code 1.
export class RuntimeError extends Error {
  readonly exitCode = 1;
}

export type CliError = UsageError | RuntimeError;

export function isCliError(error: unknown): error is CliError {
  return error instanceof UsageError || error instanceof RuntimeError;
}

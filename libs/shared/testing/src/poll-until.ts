export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  description?: string;
}

/**
 * Re-evaluates `probe` until it returns something other than undefined, or fails after the deadline
 * with the last value seen. Tests wait for conditions, never for fixed amounts of time.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  { timeoutMs = 15_000, intervalMs = 100, description = 'condition' }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The runbook's calls to Azure Resource Manager, run in parallel through a bounded pool that adapts to
 * throttling. ARM throttles per subscription and per kind (reads, writes) and answers 429 with
 * `Retry-After` (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
 *
 * - One gate per kind: after a 429 no call of that kind starts before its `Retry-After` has passed
 *   (never earlier), then calls resume.
 * - Concurrency per kind starts at `initial`, halves on a 429 (not below `min`) and grows by one per
 *   `limit` successes (additive increase, multiplicative decrease), never above `max`.
 * - A throttled call is retried until the overall deadline; other failures (5xx, reset, time-out)
 *   at most `maxRetries` times with exponential back-off.
 * The Azure SDK clients run with their own retries off, so every retry decision is made here.
 */
export type CallKind = "read" | "write";

export interface PoolOptions {
  /** Absolute time (ms, the injected clock) after which no call is started or retried. */
  readonly deadline: number;
  readonly initial?: number;
  readonly min?: number;
  readonly max?: number;
  /** Retries of a failed (not throttled) call. */
  readonly maxRetries: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export interface PoolStats {
  calls: Record<CallKind, number>;
  throttled: Record<CallKind, number>;
  retries: number;
  maxInFlight: Record<CallKind, number>;
}

export class DeadlineError extends Error {}

/** HTTP status of a failed SDK call. */
function statusOf(e: unknown): number | undefined {
  return (e as { statusCode?: number }).statusCode;
}

/** `Retry-After` of a 429 in ms (seconds or an HTTP date), if given. */
export function retryAfterMs(e: unknown, now: number): number | undefined {
  const headers = (e as { response?: { headers?: { get?: (n: string) => string | undefined } } }).response?.headers;
  const raw = headers?.get?.("retry-after");
  if (raw === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

class Lane {
  limit: number;
  inFlight = 0;
  gateUntil = 0;
  private successes = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(
    readonly options: Required<Pick<PoolOptions, "initial" | "min" | "max">>,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.limit = options.initial;
  }
  async acquire(): Promise<void> {
    for (;;) {
      const wait = this.gateUntil - this.now();
      if (wait > 0) {
        await this.sleep(wait);
        continue;
      }
      if (this.inFlight < Math.floor(this.limit)) {
        this.inFlight++;
        return;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
  release(): void {
    this.inFlight--;
    this.waiters.shift()?.();
  }
  succeeded(): void {
    if (++this.successes >= this.limit) {
      this.successes = 0;
      this.limit = Math.min(this.options.max, this.limit + 1);
      this.waiters.shift()?.();
    }
  }
  throttled(untilMs: number): void {
    this.gateUntil = Math.max(this.gateUntil, untilMs);
    this.limit = Math.max(this.options.min, Math.floor(this.limit / 2));
  }
}

export class CallPool {
  readonly stats: PoolStats = {
    calls: { read: 0, write: 0 },
    throttled: { read: 0, write: 0 },
    retries: 0,
    maxInFlight: { read: 0, write: 0 },
  };
  private readonly lanes: Record<CallKind, Lane>;

  constructor(readonly options: PoolOptions) {
    const sizes = { initial: options.initial ?? 16, min: options.min ?? 2, max: options.max ?? 48 };
    this.lanes = {
      read: new Lane(sizes, options.now, options.sleep),
      write: new Lane(sizes, options.now, options.sleep),
    };
  }

  /** Runs `call` when the lane allows; retries throttled calls until the deadline. */
  async run<T>(kind: CallKind, call: () => Promise<T>): Promise<T> {
    const lane = this.lanes[kind];
    let failures = 0;
    for (;;) {
      if (this.options.now() >= this.options.deadline)
        throw new DeadlineError(`the overall deadline passed before this ${kind} could be made`);
      await lane.acquire();
      this.stats.calls[kind]++;
      this.stats.maxInFlight[kind] = Math.max(this.stats.maxInFlight[kind], lane.inFlight);
      try {
        const result = await call();
        lane.succeeded();
        return result;
      } catch (e) {
        const status = statusOf(e);
        if (status === 429) {
          this.stats.throttled[kind]++;
          const now = this.options.now();
          // No Retry-After: wait a second (ARM always sends one).
          lane.throttled(now + (retryAfterMs(e, now) ?? 1000));
          this.stats.retries++;
          continue;
        }
        const retriable = status === undefined || status >= 500 || status === 408;
        if (!retriable || failures >= this.options.maxRetries) throw e;
        failures++;
        this.stats.retries++;
        await this.options.sleep(Math.min(8000, 250 * 2 ** failures));
      } finally {
        lane.release();
      }
    }
  }

  /** Runs `f` over `items` through the pool's lanes (`f` calls `run`); settles every item. */
  static async settleAll<I, R>(items: readonly I[], f: (item: I) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
    return Promise.allSettled(items.map(f));
  }
}

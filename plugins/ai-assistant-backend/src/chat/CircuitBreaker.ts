/**
 * Skips a model after `failureThreshold` consecutive failures for `cooldownMs`, so one broken
 * deployment does not make every user wait for its timeout before the fallback answers.
 * After the cool-down the model gets one new chance; another failure opens it again.
 */
export class CircuitBreaker {
  private readonly failures = new Map<string, number>();
  private readonly openUntil = new Map<string, number>();

  constructor(
    private readonly options: {
      failureThreshold: number;
      cooldownMs: number;
      now?: () => number;
    },
  ) {}

  /** How long a model is skipped once open, in milliseconds. */
  get cooldownMs(): number {
    return this.options.cooldownMs;
  }

  /** Whether the model is currently skipped. */
  isOpen(id: string): boolean {
    return (this.openUntil.get(id) ?? 0) > this.now();
  }

  recordSuccess(id: string): void {
    this.failures.delete(id);
    this.openUntil.delete(id);
  }

  recordFailure(id: string): void {
    const failures = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, failures);
    if (failures >= this.options.failureThreshold) {
      this.openUntil.set(id, this.now() + this.options.cooldownMs);
    }
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

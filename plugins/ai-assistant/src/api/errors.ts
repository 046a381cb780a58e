/**
 * The server refused a request because the user sent too many (HTTP 429).
 *
 * @public
 */
export class AiAssistantRateLimitError extends Error {
  /** Seconds to wait before trying again, from `Retry-After`, when the server said. */
  readonly retryAfterSeconds?: number;

  constructor(retryAfterSeconds?: number) {
    super(
      retryAfterSeconds === undefined
        ? 'Too many requests to the AI assistant. Wait a moment and try again.'
        : `Too many requests to the AI assistant. Try again in ${describeSeconds(retryAfterSeconds)}.`,
    );
    this.name = 'AiAssistantRateLimitError';
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Reads `Retry-After`, which is either a number of seconds or an HTTP date. */
  static fromResponse(
    response: Response,
    now: number = Date.now(),
  ): AiAssistantRateLimitError {
    return new AiAssistantRateLimitError(
      parseRetryAfter(response.headers.get('retry-after'), now),
    );
  }
}

function parseRetryAfter(
  value: string | null,
  now: number,
): number | undefined {
  if (!value) {
    return undefined;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim());
  }
  const date = Date.parse(value);
  return Number.isNaN(date)
    ? undefined
    : Math.max(0, Math.ceil((date - now) / 1000));
}

function describeSeconds(seconds: number): string {
  if (seconds < 90) {
    return seconds === 1 ? '1 second' : `${seconds} seconds`;
  }
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}

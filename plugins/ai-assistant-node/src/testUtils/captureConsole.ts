/* eslint-disable jest/no-export -- registers hooks for the tests that call it */
import { inspect } from 'node:util';

/**
 * Silences `console.log`, `info`, `warn`, `error` and `debug` for each test of the
 * enclosing `describe` and collects what they were called with. Call it inside a
 * `describe`: it registers its own `beforeEach` (start capturing, empty output) and
 * `afterEach` (restore the console).
 *
 * @returns An accessor for the lines captured so far in the current test, one per
 * console call: its arguments joined by a space, strings as they are and anything
 * else through `util.inspect` at full depth, so a secret nested in a logged object
 * still shows up in the output.
 * @public
 */
export function captureConsole(): () => string[] {
  let output: string[] = [];
  let spies: jest.SpyInstance[] = [];
  beforeEach(() => {
    output = [];
    spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map(level =>
      jest
        .spyOn(console, level)
        .mockImplementation((...args) =>
          output.push(args.map(formatArg).join(' ')),
        ),
    );
  });
  afterEach(() => spies.forEach(spy => spy.mockRestore()));
  return () => output;
}

function formatArg(arg: unknown): string {
  return typeof arg === 'string' ? arg : inspect(arg, { depth: null });
}

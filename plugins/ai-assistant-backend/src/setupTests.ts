// Suites here start servers, databases or a backend; on a busy two-core CI machine a test can
// pass Jest's 5 second default without anything being wrong. Tests still wait on conditions.
jest.setTimeout(60_000);

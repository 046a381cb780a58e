import '@testing-library/jest-dom';

// Page tests render the whole chat and type like a user; on a busy two-core CI machine that
// can pass Jest's 5 second default without anything being wrong.
jest.setTimeout(30_000);

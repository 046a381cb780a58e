import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Page tests render the whole chat and type like a user; on a busy two-core CI machine that
// can pass Jest's 5 second default, and Testing Library's 1 second wait for an element,
// without anything being wrong.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

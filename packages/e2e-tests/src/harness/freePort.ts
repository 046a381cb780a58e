import { createServer } from 'node:net';

/** A TCP port that was free on 127.0.0.1 a moment ago, for a server the test starts next. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise(resolve => server.close(resolve));
  if (!address || typeof address === 'string') {
    throw new Error('Could not find a free port');
  }
  return address.port;
}

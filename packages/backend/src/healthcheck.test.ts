import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { healthcheckFeature } from './healthcheck';

describe('GET /healthcheck', () => {
  it('answers 200 without a token once the backend has started', async () => {
    const { server } = await startTestBackend({
      features: [healthcheckFeature],
    });

    const res = await request(server).get('/healthcheck');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('passes on a not-ready backend as 503 so probes keep traffic away', async () => {
    const rootHealth = mockServices.rootHealth.mock({
      getReadiness: async () => ({
        status: 503,
        payload: { status: 'error', message: 'Backend has not started yet' },
      }),
    });
    const { server } = await startTestBackend({
      features: [healthcheckFeature, rootHealth.factory],
    });

    const res = await request(server).get('/healthcheck');

    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      status: 'error',
      message: 'Backend has not started yet',
    });
  });
});

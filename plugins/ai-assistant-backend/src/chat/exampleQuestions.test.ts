import request from 'supertest';
import { doc } from '../__testUtils__/fakes';
import { DenyEntityTo, startChatBackend } from '../__testUtils__/chatBackend';

jest.setTimeout(120_000);

const documents = [
  doc('payments', '# Payments Service\n\nTakes card payments.', {
    title: 'Payments Service (Component)',
    entityRef: 'component:default/payments-service',
  }),
  doc('ledger', '# Ledger\n\nKeeps the books.', {
    title: 'Ledger (Component)',
    entityRef: 'component:default/ledger',
  }),
  doc('orders-api', '# Orders API\n\nCreate and list orders.', {
    title: 'Orders API (API)',
    entityRef: 'api:default/orders-api',
  }),
  doc('runbook', '# Incident runbook\n\nPage the on-call engineer.', {
    title: 'Incident runbook',
  }),
];

describe('GET /examples', () => {
  it('suggests questions about indexed knowledge the user may read, and none about the rest', async () => {
    const backend = await startChatBackend({
      models: null,
      documents,
      permissions: new DenyEntityTo(
        'component:default/ledger',
        'user:default/b',
      ),
    });
    const examples = async (user: string) => {
      const res = await request(backend.server)
        .get('/api/ai-assistant/examples')
        .set('Authorization', backend.auth(user));
      expect(res.status).toBe(200);
      return res.body.questions as string[];
    };

    const all = await examples('user:default/a');
    expect(all).toHaveLength(4);
    expect(all).toEqual(
      expect.arrayContaining([
        'What does payments-service do, and who owns it?',
        'What does ledger do, and who owns it?',
        'How do I call the orders-api API?',
        'What does "Incident runbook" cover?',
      ]),
    );

    const restricted = await examples('user:default/b');
    expect(restricted).not.toContain('What does ledger do, and who owns it?');
    expect(restricted).toContain(
      'What does payments-service do, and who owns it?',
    );

    const withQuery = await request(backend.server)
      .get('/api/ai-assistant/examples?limit=9')
      .set('Authorization', backend.auth('user:default/a'));
    expect(withQuery.status).toBe(400);
    await backend.stop();
  });
});

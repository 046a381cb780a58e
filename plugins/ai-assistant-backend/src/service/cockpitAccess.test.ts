import request from 'supertest';
import { AdminOnlyPermissions } from '../__testUtils__/AdminOnlyPermissions';
import {
  isTitleRequest,
  ScriptedChatModel,
  scriptedModel,
} from '../__testUtils__/ScriptedChatModel';
import { startChatBackend } from '../__testUtils__/chatBackend';
import { doc } from '../__testUtils__/fakes';

jest.setTimeout(120_000);

const admin = 'user:default/admin';
const user = 'user:default/a';

// The operator cockpit in one list: a route added to the cockpit belongs here, so that the
// rule "only admins" is checked for all of it in one place.
const cockpitRoutes = (messageId: string) => [
  { method: 'get', path: '/admin/sources' },
  { method: 'post', path: '/admin/sources/catalog/run' },
  { method: 'post', path: '/admin/sources/catalog/reindex' },
  {
    method: 'post',
    path: '/admin/retrieval-test',
    body: { question: 'How do we deploy?' },
  },
  { method: 'get', path: `/admin/retrieval-test/messages/${messageId}` },
  { method: 'get', path: '/admin/usage' },
  { method: 'get', path: '/admin/feedback' },
  { method: 'post', path: `/admin/feedback/${messageId}/reviewed` },
];

describe('the operator cockpit', () => {
  it('answers 403 on every route to a user without the admin permission, and serves the admin', async () => {
    const backend = await startChatBackend({
      permissions: new AdminOnlyPermissions(admin),
      models: [
        scriptedModel(
          'scripted/one',
          new ScriptedChatModel(messages =>
            isTitleRequest(messages)
              ? { tokens: ['A title'] }
              : { tokens: ['Deploy with Argo CD.'] },
          ),
        ),
      ],
      documents: [doc('argo', 'Deployments use Argo CD. Deploy through Argo.')],
    });
    try {
      const api = request(backend.server);
      // The user's own answer, so the message routes are refused for the permission and not
      // because the message is missing.
      const { events } = await backend.chat(
        { message: 'How do we deploy?' },
        { user },
      );
      const { messageId } = events[0].data;

      const call = (
        route: ReturnType<typeof cockpitRoutes>[number],
        who: string,
      ) => {
        const req =
          route.method === 'get'
            ? api.get(`/api/ai-assistant${route.path}`)
            : api.post(`/api/ai-assistant${route.path}`).send(route.body ?? {});
        return req.set({ Authorization: backend.auth(who) });
      };

      for (const route of cockpitRoutes(messageId)) {
        const res = await call(route, user);
        expect({ route: route.path, status: res.status }).toEqual({
          route: route.path,
          status: 403,
        });
        expect(res.body.error.message).toContain(
          'ai-assistant.ingestion.admin',
        );
      }

      // The admin gets past the permission check on the same routes (the replay of someone
      // else's answer is a 404 by design: admins replay their own answers only).
      const adminStatuses = [];
      for (const route of cockpitRoutes(messageId)) {
        adminStatuses.push([route.path, (await call(route, admin)).status]);
      }
      expect(adminStatuses).toEqual([
        ['/admin/sources', 200],
        ['/admin/sources/catalog/run', expect.any(Number)],
        ['/admin/sources/catalog/reindex', expect.any(Number)],
        ['/admin/retrieval-test', 200],
        [`/admin/retrieval-test/messages/${messageId}`, 404],
        ['/admin/usage', 200],
        ['/admin/feedback', 200],
        [`/admin/feedback/${messageId}/reviewed`, expect.any(Number)],
      ]);
      for (const [, status] of adminStatuses) {
        expect(status).not.toBe(403);
        expect(status).toBeLessThan(500);
      }
    } finally {
      await backend.stop();
    }
  });
});

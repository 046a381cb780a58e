import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Allows a user to chat with the AI assistant and manage their own conversations.
 *
 * @public
 */
export const aiAssistantChatPermission = createPermission({
  name: 'ai-assistant.chat',
  attributes: { action: 'read' },
});

/**
 * Allows a user to see the ingestion status and to start ingestion runs.
 *
 * @public
 */
export const aiAssistantIngestionAdminPermission = createPermission({
  name: 'ai-assistant.ingestion.admin',
  attributes: { action: 'update' },
});

/**
 * Every permission the AI assistant defines, for registration with the permissions registry.
 *
 * @public
 */
export const aiAssistantPermissions = [
  aiAssistantChatPermission,
  aiAssistantIngestionAdminPermission,
];

import type { AiAssistantSource } from '@ai-assistant/backstage-plugin-ai-assistant-common';

/** Two sources as the `sources` event carries them. */
export const SOURCES: AiAssistantSource[] = [
  {
    source: 'github',
    documentId: 'acme/payments/README.md',
    title: 'payments: README',
    url: 'https://github.example/acme/payments#readme',
    entityRef: 'component:default/payments',
    score: 0.03,
  },
  {
    source: 'techdocs',
    documentId: 'default/component/payments/deploy',
    title: 'Deploying payments',
    url: 'https://backstage.example/docs/default/component/payments/deploy',
    score: 0.02,
  },
];

import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Retriever } from './Retriever';

// Four fit the empty state's row of buttons. Documents come round-robin from the ingestors, a
// few more of each than needed in case the user may not read some.
const QUESTIONS = 4;
const PER_SOURCE = 8;

/** A question about a document, in the words a developer would use. */
function questionAbout(document: {
  title: string;
  entityRef?: string;
}): string {
  // Stored refs are full: `kind:namespace/name`.
  const ref = /^([^:]+):(?:[^/]+\/)?(.+)$/.exec(document.entityRef ?? '');
  if (ref) {
    const [, kind, name] = ref;
    switch (kind.toLocaleLowerCase('en-US')) {
      case 'api':
        return `How do I call the ${name} API?`;
      case 'group':
        return `What does the ${name} team own?`;
      case 'user':
        return `What does ${name} work on?`;
      case 'system':
      case 'domain':
        return `Which components make up ${name}, and who owns them?`;
      default:
        return `What does ${name} do, and who owns it?`;
    }
  }
  return `What does "${document.title}" cover?`;
}

/**
 * Example questions for the chat page's empty state, built from what is actually indexed
 * and the asking user may read, so that each has an answer: one per recent document,
 * alternating between ingestors.
 */
export class ExampleQuestions {
  constructor(private readonly options: { retriever: Retriever }) {}

  /** Up to four questions; none when nothing the user may read is indexed yet. */
  async forUser(credentials: BackstageCredentials): Promise<string[]> {
    const documents = await this.options.retriever.readableRecentDocuments(
      credentials,
      PER_SOURCE,
    );
    const questions = new Set<string>();
    for (const document of documents) {
      if (questions.size === QUESTIONS) break;
      questions.add(questionAbout(document));
    }
    return [...questions];
  }
}

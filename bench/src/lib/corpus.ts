import type {
  IngestionDocument,
  Ingestor,
  IngestorContext,
} from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { seededRandom, sentence } from './random';

/** Shape of a generated corpus. */
export interface CorpusShape {
  documents: number;
  /** Paragraphs per document; each is one chunk at the default chunk size of 500. */
  paragraphs: number;
  /** Words per paragraph; 50 words make about 400 characters. */
  wordsPerParagraph?: number;
  /** Changes every text, to tell runs apart. */
  seed?: number;
  /** Every `largeEvery`-th document has `largeParagraphs` paragraphs, as a huge generated page. */
  largeEvery?: number;
  largeParagraphs?: number;
}

/** The text of one generated document: paragraphs of made-up words with a heading. */
export function documentText(index: number, shape: CorpusShape): string {
  const random = seededRandom((shape.seed ?? 1) * 1_000_003 + index);
  const words = shape.wordsPerParagraph ?? 50;
  const paragraphs = [`# Runbook ${index}`];
  const large =
    shape.largeEvery && index % shape.largeEvery === shape.largeEvery - 1;
  const count = large
    ? (shape.largeParagraphs ?? shape.paragraphs)
    : shape.paragraphs;
  for (let p = 0; p < count; p++) {
    paragraphs.push(
      `${sentence(random, words, 20_000)} Section ${index}.${p}.`,
    );
  }
  return paragraphs.join('\n\n');
}

/**
 * An ingestor that yields a generated corpus lazily, as a real source pages through its API,
 * so that the corpus itself never sits in memory.
 */
export class GeneratedIngestor implements Ingestor {
  /** Characters of content yielded so far. */
  characters = 0;

  constructor(
    readonly id: string,
    private readonly shape: CorpusShape,
  ) {}

  async *ingest(context: IngestorContext): AsyncIterable<IngestionDocument> {
    for (let i = 0; i < this.shape.documents; i++) {
      context.signal.throwIfAborted();
      const content = documentText(i, this.shape);
      this.characters += content.length;
      yield {
        id: `doc-${i}`,
        title: `Runbook ${i}`,
        url: `https://docs.example.com/runbooks/${i}`,
        content,
        markdown: true,
        entityRef: `component:default/service-${i % 500}`,
        metadata: { kind: 'runbook', team: `team-${i % 40}` },
      };
    }
  }
}

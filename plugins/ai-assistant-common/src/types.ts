/**
 * A piece of knowledge the assistant used to answer: one retrieved chunk of an ingested document.
 *
 * @public
 */
export interface AiAssistantSource {
  /** Id of the ingestor that produced the document, e.g. `catalog`. */
  source: string;
  /** Id of the document within its ingestor. */
  documentId: string;
  /** Human readable title of the document. */
  title: string;
  /**
   * Where a person can read the document; with the section's fragment (`#anchor`) when the
   * chunk came from a section that has one (markdown headings, TechDocs sections).
   */
  url: string;
  /** Heading path of the section the chunk came from, e.g. `Installation > Helm`. */
  section?: string;
  /** The catalog entity the document belongs to, when known. */
  entityRef?: string;
  /**
   * The beginning of the retrieved passage (a few hundred characters), for a preview of what
   * a citation points at. The caller could read the passage: it was retrieved for them.
   */
  excerpt?: string;
  /** Relevance of the chunk to the question; higher is better. */
  score: number;
}

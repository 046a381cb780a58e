// Moved to ../ingestion/IngestionStatusService. This re-export stays only until
// actions/KnowledgeActions.ts and ingestion/reindexProgress.test.ts import from there.
export {
  IngestionStatusService,
  type IngestorStatus,
  runProgress,
  type SourceStatus,
} from '../ingestion/IngestionStatusService';

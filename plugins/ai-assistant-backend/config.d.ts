import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import type { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the AI Assistant for Backstage. */
  aiAssistant?: {
    /** How the assistant presents itself to the model. */
    prompt?: {
      /**
       * Who the assistant is and how it answers; the start of every system prompt.
       * Default: a short generic identity for a developer portal assistant.
       */
      identity?: string;
    };

    /** Embeddings: exactly one provider module is used. */
    embeddings?: {
      /**
       * Which installed embeddings module to use, by the name of its config block
       * (`azureOpenAi`, `ollama` or `local`). Needed only when several config blocks exist.
       */
      provider?: string;
    };

    /** The knowledge store. */
    storage?: {
      /** PostgreSQL + pgvector settings. */
      pgVector?: {
        /** Characters per text chunk. Default: 500. */
        chunkSize?: number;
        /** Characters shared by neighbouring chunks. Default: a tenth of chunkSize. */
        chunkOverlap?: number;
        /** How many chunks retrieval hands to the model per question. Default: 10. */
        amount?: number;
        /**
         * Hybrid search: the weights of its two legs in the fused score (each leg's scores
         * are scaled to 0–1 per question, then added with these weights), and the language
         * of its keyword index.
         */
        hybrid?: {
          /** Weight of semantic (vector) similarity. Default: 0.5. */
          vectorWeight?: number;
          /** Weight of keyword (Postgres full-text) relevance. Default: 1. */
          textWeight?: number;
          /**
           * PostgreSQL text search configuration of the keyword index: the language whose
           * stemming and stop words apply, e.g. `english`, `german`, or `simple` (no
           * stemming). Changing it re-indexes every document on the next ingestion run
           * without re-embedding. Default: `english`.
           */
          textSearchConfig?: string;
        };
      };
      /**
       * The embedded database used when the Backstage database is not PostgreSQL
       * (e.g. better-sqlite3 in local development).
       */
      pglite?: {
        /** Directory to keep the embedded database in. Default: in memory, lost on restart. */
        dataDir?: string;
      };
      /**
       * A read replica of the Backstage PostgreSQL database. Retrieval searches read from it;
       * writes, migrations and index changes stay on the primary. Default: none, everything
       * uses the primary.
       */
      readReplica?: {
        /**
         * A knex `pg` connection: a connection string, or an object with `host`, `port`,
         * `user`, `password`, `database` (and any other `pg` client setting). Connections are
         * named `backstage-ai-assistant-read-replica` in `pg_stat_activity` unless they set
         * `application_name`.
         * @visibility secret
         */
        connection: string | { [key: string]: unknown };
      };
    };

    /** The chat API. */
    chat?: {
      /** Longest accepted user message, in characters; longer ones get HTTP 413. Default: 8000. */
      maxMessageLength?: number;
      /**
       * Approximate tokens (about 4 characters each) of earlier messages sent with a question;
       * older messages are left out first. Default: 4000.
       */
      historyTokenBudget?: number;
      /**
       * Tokens (in and out, as the provider reports them or estimated at about 4 characters
       * each) one user may use per UTC day; a user over it is refused before any model is
       * asked until 00:00 UTC. Default: none (no budget).
       */
      dailyTokenBudget?: number;
      /**
       * Seconds a model may take to start answering before the next configured model is
       * asked instead. Default: 60.
       */
      firstTokenTimeoutSeconds?: number;
      /** Skips a model that keeps failing, so users do not wait for it every time. */
      circuitBreaker?: {
        /**
         * Consecutive provider-side failures (HTTP 5xx, 408, 429, timeouts, connection errors)
         * after which the model is skipped; a 4xx caused by a user's text (e.g. a content
         * filter) does not count. Default: 3.
         */
        failureThreshold?: number;
        /** Seconds the model is skipped before it is tried again. Default: 60. */
        cooldownSeconds?: number;
      };
      /**
       * Per-user limit of `POST /chat`; more gets HTTP 429 with `Retry-After`. Counted by each
       * backend instance in memory, so with N replicas a user may get up to N times as many.
       */
      rateLimit?: {
        /** Chat requests a user may send per window (also the burst size). Default: 60. */
        requests?: number;
        /** The window, e.g. `{ minutes: 1 }` or `PT1M`. Default: one minute. */
        window?: HumanDuration | string;
      };
    };

    /** Stored conversations. */
    conversations?: {
      /**
       * Conversations without activity for this long are deleted (with their messages and
       * feedback) by an hourly job, e.g. `{ days: 90 }` or `P90D`. Default: none, kept until
       * their user deletes them.
       */
      retention?: HumanDuration | string;
      /**
       * Most messages (questions and answers) one conversation may hold; a question that
       * would go past it gets HTTP 409 asking the user to start a new conversation. Must be at
       * least 2. Default: 200.
       */
      maxMessages?: number;
    };

    /** Tools the model may call while answering. */
    tools?: {
      /**
       * Whether tools that change state (declared `mutating`) are offered to the model.
       * Default: false.
       */
      allowMutating?: boolean;
      /**
       * Names of mutating tools to offer even when `allowMutating` is false, so an admin can
       * enable state-changing tools one by one. Default: none.
       */
      enabledMutatingTools?: string[];
      /** Most rounds of tool calls in one answer. Default: 4. */
      maxSteps?: number;
      /**
       * Most tool calls run of one round (one model turn); the model is told the others were
       * not run. Default: 5.
       */
      maxCallsPerRound?: number;
      /**
       * Most tool calls run in one answer, over all its rounds. Each call after the first also
       * takes one request from the user's `aiAssistant.chat.rateLimit`. Default: 10.
       */
      maxCallsPerAnswer?: number;
    };

    /** Backstage Actions Registry actions the assistant may use. */
    actions?: {
      /**
       * Ids of Actions Registry actions (e.g. `catalog:get-catalog-entity`) offered to the
       * model as tools, called with the asking user's credentials. Actions not declared
       * `readOnly` run only after the user approves each call in the page (see
       * docs/actions-as-tools.md). Default: none.
       */
      tools?: string[];
    };

    /** When and how knowledge is ingested. */
    ingestion?: {
      /**
       * When ingestion runs. Default: every day, with a 2 hour timeout, first 15 seconds
       * after startup. With several backends on one database, each run happens on one only.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Chunks sent to the embeddings provider per call. Default: 100. */
      batchSize?: number;
      /**
       * Most embeddings calls made at once; fewer while the provider answers 429 (halved, then
       * raised one at a time). Default: 4.
       */
      embeddingConcurrency?: number;
      /** The vector index build after a bulk load (first ingestion, model change). */
      indexBuild?: {
        /** `maintenance_work_mem` of the build, e.g. `512MB`, `2GB`. Default: 512MB. */
        maintenanceWorkMem?: string;
        /** `max_parallel_maintenance_workers` of the build. Default: 2. */
        parallelWorkers?: number;
      };
    };
  };
}

import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import type {
  ChatErrorEventData,
  ChatMessageStatus,
  ChatRequest,
  ConversationSummary,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type { AiAssistantModel } from '@ai-assistant/backstage-plugin-ai-assistant-node';
import { randomUUID } from 'node:crypto';
import type { ChatSettings } from '../config';
import type { ConversationStore } from '../database/ConversationStore';
import type { KnowledgeSearchResult } from '../database/KnowledgeStore';
import { observeToolInvocations } from '../logging/toolInvocations';
import {
  type AiAssistantMetrics,
  noopMetrics,
  secondsSince,
} from '../metrics/AiAssistantMetrics';
import type { ModelRouter } from './ModelRouter';
import type { PromptBuilder } from './PromptBuilder';
import type { Retriever } from './Retriever';
import type { ChatEventSink } from './sse';
import type { AnswerProgress, PausedAnswer } from './answerState';
import { streamAnswer } from './streamAnswer';
import { fallbackTitle, type TitleGenerator } from './TitleGenerator';
import type { ToolSet } from './ToolSet';
import type { ActionApprovals } from './ActionApprovals';
import type { RetrievalTestService } from './RetrievalTestService';
import type { TokenBudget } from './TokenBudget';
import type { UsageRecorder } from './UsageRecorder';
import { toSource } from './sources';
import {
  MessageTooLongError,
  type PreparedChat,
  withoutLastExchange,
} from './PreparedChat';

/**
 * Answers chat messages. The pipeline reads top to bottom: authorize (the conversation is the
 * caller's, the model exists) → load history → retrieve (permission-filtered) → prompt →
 * stream (tools, fallback) → persist.
 */
export class ChatService {
  private readonly titleTasks = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      store: ConversationStore;
      models: ModelRouter;
      retriever: Retriever;
      prompts: PromptBuilder;
      tools: ToolSet;
      titles: TitleGenerator;
      settings: ChatSettings;
      logger: LoggerService;
      metrics?: AiAssistantMetrics;
      auditor?: AuditorService;
      /** Pauses answers at actions that need the user's approval; without it none are offered. */
      approvals?: ActionApprovals;
      /** Records each answer's retrieval input, so an admin can replay it ("why this answer?"). */
      retrievalReplays?: Pick<RetrievalTestService, 'record'>;
      /** Records each answer's tokens and outcome for the usage report and the budget. */
      usage?: UsageRecorder;
      /** Refuses users over `aiAssistant.chat.dailyTokenBudget` before a model is asked. */
      budget?: TokenBudget;
    },
  ) {}

  /** Longest question accepted, in characters; the page counts down to it as the user types. */
  get maxMessageLength(): number {
    return this.options.settings.maxMessageLength;
  }

  private get metrics(): AiAssistantMetrics {
    return this.options.metrics ?? noopMetrics;
  }

  /**
   * Everything that can be refused with a 4xx, done before the event stream starts:
   * size limit, conversation ownership (404), a full conversation (409), model choice (400).
   * Loads the history too.
   */
  async prepare(
    request: ChatRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    auditor?: AuditorService,
  ): Promise<PreparedChat> {
    const receivedAt = performance.now();
    const { store, models, settings } = this.options;
    if (request.message.length > settings.maxMessageLength) {
      throw new MessageTooLongError(
        request.message.length,
        settings.maxMessageLength,
      );
    }
    const userRef = credentials.principal.userEntityRef;
    const conversation = request.conversationId
      ? await store.getConversation(request.conversationId, userRef)
      : undefined;
    if (request.regenerate && !conversation) {
      throw new InputError(
        'regenerate answers the last question of a conversation again: give its conversationId',
      );
    }
    const history = conversation
      ? await store.listMessages(conversation.id, userRef)
      : [];
    // One exchange adds two messages; a conversation must not grow without bound.
    if (history.length + 2 > settings.maxConversationMessages) {
      throw new ConflictError(
        `This conversation has reached its limit of ${settings.maxConversationMessages} messages (aiAssistant.conversations.maxMessages); start a new conversation to continue.`,
      );
    }
    return {
      credentials,
      question: request.message,
      conversation,
      history: request.regenerate
        ? withoutLastExchange(history, request.message)
        : history,
      models: await models.candidates(request.modelId),
      entityRef: request.entityRef,
      auditor,
      receivedAt,
    };
  }

  /** Streams the answer to a prepared request and stores the exchange, however it ends. */
  async answer(
    chat: PreparedChat,
    sink: ChatEventSink,
    signal: AbortSignal,
  ): Promise<void> {
    const { store, prompts } = this.options;
    const userRef = chat.credentials.principal.userEntityRef;
    let conversation = chat.conversation;
    if (!conversation) {
      conversation = await store.createConversation(
        userRef,
        fallbackTitle(chat.question),
      );
      this.metrics.conversationCreated();
    }
    const messageId = randomUUID();
    sink.send({
      type: 'conversation',
      data: { conversationId: conversation.id, messageId },
    });

    const chunks = await this.retrieve(chat);
    const sources = chunks.map(toSource);
    sink.send({ type: 'sources', data: { sources } });

    const messages = prompts.build({
      question: chat.question,
      chunks,
      history: chat.history,
      entityRef: chat.entityRef,
    });
    const progress: AnswerProgress = {
      text: '',
      toolCalls: [],
      started: false,
    };
    const outcome = await this.generate(
      chat,
      conversation.id,
      messages,
      progress,
      sink,
      signal,
    );

    await store.addMessage(conversation.id, {
      role: 'user',
      content: chat.question,
    });
    await store.addMessage(conversation.id, {
      id: messageId,
      role: 'assistant',
      content: progress.text,
      status: outcome.status,
      modelId: outcome.model?.id,
      sources,
      toolCalls: progress.toolCalls,
      error: outcome.error?.message,
      errorCode: outcome.error?.code,
      usage: progress.usage,
    });
    await this.options.retrievalReplays?.record({
      messageId,
      question: chat.question,
      entityRef: chat.entityRef,
    });
    await this.options.usage?.record({
      messageId,
      userRef,
      modelId: outcome.model?.id,
      candidates: chat.models.map(model => model.id),
      status: outcome.status,
      prompt: messages,
      answer: progress.text,
      usage: progress.usage,
    });
    if (outcome.error) {
      sink.send({ type: 'error', data: outcome.error });
    } else if (outcome.paused && outcome.model) {
      await this.options.approvals?.pause(sink, {
        conversationId: conversation.id,
        messageId,
        modelId: outcome.model.id,
        paused: outcome.paused,
        usage: progress.usage,
      });
    } else if (outcome.status === 'complete') {
      sink.send({ type: 'done', data: { messageId, usage: progress.usage } });
      if (!chat.conversation && outcome.model) {
        this.nameConversation(conversation, outcome.model, chat, progress);
      }
    }
  }

  /** Resolves when every background title generation started so far has finished. */
  async settled(): Promise<void> {
    await Promise.all([...this.titleTasks]);
  }

  // Retrieval problems (e.g. the embeddings provider is down) must not stop the answer;
  // the model then answers without sources and says so.
  private async retrieve(chat: PreparedChat): Promise<KnowledgeSearchResult[]> {
    try {
      return await this.options.retriever.retrieve(
        chat.question,
        chat.credentials,
        undefined,
        { entityRef: chat.entityRef },
      );
    } catch (error) {
      this.options.logger.warn(`AI assistant retrieval failed: ${error}`);
      return [];
    }
  }

  /**
   * Asks the candidate models in turn (see {@link ModelRouter.firstAnswer}), with the tools
   * and actions the user may use, unless there is no model or the user is over budget.
   */
  private async generate(
    chat: PreparedChat,
    conversationId: string,
    messages: Parameters<typeof streamAnswer>[0]['messages'],
    progress: AnswerProgress,
    sink: ChatEventSink,
    signal: AbortSignal,
  ): Promise<{
    status: ChatMessageStatus;
    model?: AiAssistantModel;
    error?: ChatErrorEventData;
    /** Set when the answer waits for the user's approval of an action. */
    paused?: PausedAnswer;
  }> {
    const { models, tools, settings, logger } = this.options;
    if (!models.hasProviders) {
      // Users get words for users; how to fix it is for the admins, in the log.
      logger.warn(
        'AI assistant has no chat model provider, so chats only show sources: add a model provider module to the backend ' +
          '(e.g. @ai-assistant/backstage-plugin-ai-assistant-backend-module-model-provider-azure-ai or -ollama) and configure aiAssistant.models.',
      );
      return {
        status: 'error',
        error: {
          code: 'no_model_provider',
          message:
            'No chat model is set up yet, so the assistant can only show the sources it found. Your Backstage administrators can add one.',
        },
      };
    }
    const overBudget = await this.options.budget?.refusal(
      chat.credentials.principal.userEntityRef,
    );
    if (overBudget) {
      return { status: 'error', error: overBudget };
    }
    const offered = await tools.forUser(chat.credentials);
    const actions = this.options.approvals
      ? await tools.actionsForUser(chat.credentials)
      : undefined;
    const budget = tools.budget(chat.credentials.principal.userEntityRef);
    const auditor = chat.auditor ?? this.options.auditor;
    const outcome = await models.firstAnswer(
      chat.models,
      model =>
        streamAnswer({
          model,
          messages,
          tools: offered,
          actions,
          maxSteps: settings.tools.maxSteps,
          budget,
          firstTokenTimeoutMs: settings.firstTokenTimeoutSeconds * 1000,
          credentials: chat.credentials,
          sink,
          signal,
          progress,
          onFirstToken: () =>
            this.metrics.timeToFirstToken(
              model.id,
              secondsSince(chat.receivedAt ?? performance.now()),
            ),
          observeTool: observeToolInvocations({
            logger,
            auditor,
            userRef: chat.credentials.principal.userEntityRef,
            conversationId,
            modelId: model.id,
          }),
        }),
      signal,
    );
    const { model } = outcome;
    switch (outcome.kind) {
      case 'answered':
        this.metrics.tokenUsage(
          outcome.model.id,
          progress.usage?.inputTokens ?? 0,
          progress.usage?.outputTokens ?? 0,
        );
        return outcome.result
          ? { status: 'awaiting_approval', model, paused: outcome.result }
          : { status: 'complete', model };
      case 'aborted':
        return { status: 'aborted', model };
      default:
        return { status: 'error', model, error: outcome.error };
    }
  }

  // In the background: the user already has the answer and the fallback title.
  private nameConversation(
    conversation: ConversationSummary,
    model: AiAssistantModel,
    chat: PreparedChat,
    progress: AnswerProgress,
  ) {
    const { titles, store, logger } = this.options;
    const task = titles
      .generate(model, chat.question, progress.text)
      .then(async title => {
        if (title) {
          await store.replaceTitle(conversation.id, conversation.title, title);
        }
      })
      .catch(error =>
        logger.warn(`Could not store a conversation title: ${error}`),
      )
      .finally(() => this.titleTasks.delete(task));
    this.titleTasks.add(task);
  }
}

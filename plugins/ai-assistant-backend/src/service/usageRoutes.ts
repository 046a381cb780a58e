import { InputError } from '@backstage/errors';
import {
  MAX_USAGE_RANGE_DAYS,
  usageQuerySchema,
  type UsageResponse,
} from '@ai-assistant/backstage-plugin-ai-assistant-common';
import type express from 'express';
import { utcDay, type UsageStore } from '../database/UsageStore';
import { parse, singleValues } from './parseInput';

/** What the usage route delegates to. */
export interface UsageRoutesOptions {
  /** Refuses callers without the admin permission (403). */
  requireAdmin: (req: express.Request) => Promise<unknown>;
  usage: UsageStore;
  /** `aiAssistant.chat.dailyTokenBudget`, shown next to the figures. */
  dailyTokenBudget?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_RANGE_DAYS = 30;

/**
 * Adds `GET /admin/usage?from&to`: per UTC day and model, answers, users, tokens (how many
 * estimated), errors, fallbacks and feedback. Counts only, never message text or user refs.
 */
export function addUsageRoutes(
  router: express.Router,
  options: UsageRoutesOptions,
): void {
  router.get('/admin/usage', async (req, res) => {
    await options.requireAdmin(req);
    const query = parse(usageQuerySchema, singleValues(req.query), 'query');
    const to = query.to ?? utcDay(new Date());
    const from =
      query.from ??
      utcDay(new Date(Date.parse(to) - (DEFAULT_RANGE_DAYS - 1) * DAY_MS));
    const days = (Date.parse(to) - Date.parse(from)) / DAY_MS + 1;
    if (days < 1) {
      throw new InputError(
        `Invalid query: from (${from}) must not be after to (${to})`,
      );
    }
    if (days > MAX_USAGE_RANGE_DAYS) {
      throw new InputError(
        `Invalid query: the range from ${from} to ${to} is ${days} days; at most ${MAX_USAGE_RANGE_DAYS} are reported at once`,
      );
    }
    const body: UsageResponse = {
      from,
      to,
      ...(await options.usage.report(from, to)),
      ...(options.dailyTokenBudget !== undefined && {
        dailyTokenBudget: options.dailyTokenBudget,
      }),
    };
    res.json(body);
  });
}

import type { NextFunction, Request, Response } from 'express';
import { type AiAssistantMetrics, secondsSince } from './AiAssistantMetrics';

/**
 * Express middleware that records rate and latency of every request by route pattern,
 * method and status. It measures until the response is finished or the client went away,
 * so for `/chat` the latency is the whole streamed answer.
 */
export function httpMetricsMiddleware(metrics: AiAssistantMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const start = performance.now();
    res.once('close', () => {
      metrics.request(
        routeOf(req),
        req.method,
        res.statusCode,
        secondsSince(start),
      );
    });
    next();
  };
}

// The matched pattern, not the URL: ids in paths would give every conversation its own series.
function routeOf(req: Request): string {
  const path = req.route?.path;
  return typeof path === 'string' ? path : 'unmatched';
}

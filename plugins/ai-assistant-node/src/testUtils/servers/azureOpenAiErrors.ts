import type { ServerResponse } from 'node:http';
import { sendJson } from './loopbackServer';

const ERROR_MESSAGES: Record<number, string> = {
  400: 'The request is invalid.',
  401: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  403: 'Access denied.',
  404: 'Resource not found',
  408: 'The operation was timeout.',
  429: 'Requests to the Azure OpenAI API have exceeded token rate limit of your current pricing tier. Please retry after 1 second.',
  500: 'The server had an error while processing your request.',
  503: 'The service is temporarily unable to process your request.',
};

/** Azure's error body: `{ error: { code, message } }`, with its usual message per status. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message = ERROR_MESSAGES[status] ?? 'The request failed.',
  headers: Record<string, string> = {},
) {
  sendJson(res, { error: { code, message } }, status, headers);
}

/** Azure's answer to a prompt its content filter blocks: the caller's text, not an outage. */
export function sendContentFiltered(res: ServerResponse) {
  sendJson(
    res,
    {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry.",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: {
            hate: { filtered: false, severity: 'safe' },
            self_harm: { filtered: false, severity: 'safe' },
            sexual: { filtered: false, severity: 'safe' },
            violence: { filtered: true, severity: 'medium' },
          },
        },
      },
    },
    400,
  );
}

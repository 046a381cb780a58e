import type { ServerResponse } from 'node:http';
import type { AzureOpenAiTestServerOptions } from './azureOpenAi';
import { sendError } from './azureOpenAiErrors';
import { bagOfWordsVector, sendJson, words } from './loopbackServer';

/** Azure OpenAI's limit on the number of inputs of one embeddings request. */
const MAX_EMBEDDING_INPUTS = 2048;

/** The vector length of a deployment: the option's, else that of its namesake model. */
export function defaultDimensions(
  option: AzureOpenAiTestServerOptions['dimensions'],
  deployment: string,
) {
  if (typeof option === 'number') return option;
  return option?.[deployment] ?? (deployment.includes('large') ? 3072 : 1536);
}

/**
 * Answers `POST .../embeddings` as Azure does: deterministic bag-of-words vectors, as floats or
 * base64 as asked, refusing what Azure refuses (no input, a non-string, over 2048 inputs).
 */
export function embed(
  res: ServerResponse,
  body: any,
  deployment: string,
  defaultDims: number,
) {
  const inputs: unknown[] = Array.isArray(body?.input)
    ? body.input
    : [body?.input];
  if (inputs.length === 0 || inputs.some(input => typeof input !== 'string')) {
    sendError(
      res,
      400,
      'BadRequest',
      "'input' must be a string or a non-empty array of strings.",
    );
    return;
  }
  if (inputs.length > MAX_EMBEDDING_INPUTS) {
    sendError(
      res,
      400,
      'BadRequest',
      `Too many inputs. The max number of inputs is ${MAX_EMBEDDING_INPUTS}.`,
    );
    return;
  }
  const dimensions =
    typeof body.dimensions === 'number' ? body.dimensions : defaultDims;
  const base64 = body.encoding_format === 'base64';
  const tokens = (inputs as string[]).reduce(
    (sum, text) => sum + words(text).length,
    0,
  );
  sendJson(res, {
    object: 'list',
    data: (inputs as string[]).map((text, index) => {
      const vector = bagOfWordsVector(text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: base64
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector,
      };
    }),
    model: deployment,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}

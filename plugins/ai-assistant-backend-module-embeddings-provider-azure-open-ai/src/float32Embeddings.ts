const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * Reads an OpenAI `/embeddings` answer asked with `encoding_format: 'base64'` from its bytes
 * into float32 vectors (one buffer, a view per vector), in the order of `data`.
 *
 * The SDK's way (`JSON.parse` of the whole text, then a decode per vector) costs the V8 heap
 * about twice the answer's size per call, and V8 parses a text over 100 KB straight into the
 * old generation: at 1,536 dimensions, 100 vectors are an 820 KB answer, so every call left
 * ~1 MB of old-space garbage, which made the heap grow fourfold between collections during
 * ingestion. Here the answer stays in its (off-heap) buffer: the base64 values of the
 * `embedding` keys are decoded from there, and only the rest, a few bytes per vector, is
 * parsed as JSON (with each value replaced by its position). Numbers instead of base64 (a
 * server that ignored the format) are copied as they are.
 */
export function readFloat32Embeddings(body: Buffer): Float32Array[] {
  const spans: Array<[number, number]> = [];
  const skeleton: string[] = [];
  let copied = 0;
  let key: string | undefined;
  for (let at = body.indexOf(QUOTE); at >= 0; at = body.indexOf(QUOTE, at)) {
    const end = closingQuote(body, at);
    const afterKey = isKeyEnd(body, end);
    const isValueOfEmbedding =
      !afterKey && key === 'embedding' && precededByColon(body, at);
    if (isValueOfEmbedding) {
      skeleton.push(body.toString('utf8', copied, at), String(spans.length));
      spans.push([at + 1, end]);
      copied = end + 1;
    }
    // Keys are short; a long string is a value and never the key looked for.
    key =
      afterKey && end - at <= 32
        ? body.toString('utf8', at + 1, end)
        : undefined;
    at = end + 1;
  }
  skeleton.push(body.toString('utf8', copied));
  const parsed = JSON.parse(skeleton.join('')) as {
    data?: Array<{ embedding?: unknown }>;
  };
  if (!Array.isArray(parsed?.data)) {
    throw new Error('Invalid embeddings response: no data array');
  }
  const items = parsed.data.map(item => {
    const embedding = item?.embedding;
    return typeof embedding === 'number'
      ? base64Text(body, spans[embedding])
      : embedding;
  });
  const first = items[0];
  const dimensions =
    typeof first === 'string'
      ? Buffer.byteLength(first, 'base64') / 4
      : ((first as unknown[] | undefined)?.length ?? 0);
  const floats = new Float32Array(items.length * dimensions);
  const bytes = Buffer.from(floats.buffer);
  return items.map((embedding, i) => {
    const vector = floats.subarray(i * dimensions, (i + 1) * dimensions);
    if (
      typeof embedding === 'string' &&
      Buffer.byteLength(embedding, 'base64') === dimensions * 4
    ) {
      bytes.write(embedding, i * dimensions * 4, dimensions * 4, 'base64');
    } else if (Array.isArray(embedding) && embedding.length === dimensions) {
      vector.set(embedding);
    } else {
      throw new Error(
        `Invalid embeddings response: no vector of ${dimensions} dimensions at data[${i}]`,
      );
    }
    return vector;
  });
}

/** The base64 text of a span, unescaped if the server escaped its slashes (`\/`). */
function base64Text(body: Buffer, span: [number, number] | undefined): string {
  if (!span) return '';
  const [start, end] = span;
  const escaped = body.indexOf(BACKSLASH, start);
  return escaped >= 0 && escaped < end
    ? JSON.parse(body.toString('utf8', start - 1, end + 1))
    : body.toString('latin1', start, end);
}

/** Position of the quote that closes the JSON string opening at `open`. */
function closingQuote(body: Buffer, open: number): number {
  let at = open + 1;
  for (;;) {
    const quote = body.indexOf(QUOTE, at);
    if (quote < 0)
      throw new Error('Invalid embeddings response: unterminated string');
    let backslashes = 0;
    while (body[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

/** Whether the string closing at `end` is an object key (a colon follows it). */
function isKeyEnd(body: Buffer, end: number): boolean {
  let at = end + 1;
  while (isSpace(body[at])) at++;
  return body[at] === COLON;
}

function precededByColon(body: Buffer, open: number): boolean {
  let at = open - 1;
  while (isSpace(body[at])) at--;
  return body[at] === COLON;
}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

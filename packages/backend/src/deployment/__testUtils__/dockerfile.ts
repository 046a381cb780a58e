/**
 * One instruction of a Dockerfile, continuation lines joined.
 *
 * @internal
 */
export type DockerInstruction = {
  /** Upper-case keyword, e.g. `COPY`. */
  keyword: string;
  /** The rest of the instruction. */
  args: string;
  /** The stage (`FROM ... AS name`, or its index) the instruction belongs to. */
  stage: string;
};

/**
 * Splits a Dockerfile into instructions. Enough for the project's own Dockerfile: comments,
 * `\` continuations, no heredocs or parser directives.
 *
 * @internal
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  let stage = '';
  let stages = 0;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) {
      continue;
    }
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = `${pending}${line}`.trim();
    pending = '';
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(full)!;
    if (keyword.toUpperCase() === 'FROM') {
      stage = /\sAS\s+(\S+)/i.exec(args)?.[1] ?? String(stages);
      stages += 1;
    }
    instructions.push({ keyword: keyword.toUpperCase(), args, stage });
  }
  return instructions;
}

/**
 * The parts of a `COPY` instruction: flags (`--from=build` → `{ from: 'build' }`),
 * sources and destination. Exec-form (JSON array) COPY is not used by the project.
 *
 * @internal
 */
export function parseCopy(args: string): {
  flags: Record<string, string>;
  sources: string[];
  destination: string;
} {
  const words = args.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [name, value = ''] = words.shift()!.slice(2).split('=');
    flags[name] = value;
  }
  const destination = words.pop()!;
  return { flags, sources: words, destination };
}

/**
 * The argument list of an exec-form instruction such as `CMD ["node", "packages/backend"]`.
 *
 * @internal
 */
export function parseExecForm(args: string): string[] {
  return JSON.parse(args);
}

/*
 * Streaming in the browser: how smooth the chat page stays while a 10,000-character markdown
 * answer streams in. The dev app (packages/app/dist, built first if missing) is served by the
 * dev backend with a loopback model server that speaks Ollama's API; Debian's headless
 * Chromium (playwright-core) asks one question while the page records the time between
 * animation frames and the long tasks (over 50 ms of main-thread work) until the answer is
 * complete.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startOllamaTestServer } from '@ai-assistant/backstage-plugin-ai-assistant-node/testUtils';
import { launchChromium } from 'e2e-tests/src/harness/chromium';
import { repoRoot, startDevBackend } from 'e2e-tests/src/harness/devBackend';
import { main, percentile, quick } from '../lib/cli';
import { report } from '../report';

const ANSWER_CHARS = quick ? 2_000 : 10_000;
// About 1,600 tokens of a few characters each: a fast local model's pace.
const DELAY_MS_PER_TOKEN = 4;

/** A markdown answer of about `chars` characters: headings, lists, code, a table, citations. */
function markdownAnswer(chars: number): string {
  const parts: string[] = [];
  for (let i = 1; parts.join('\n\n').length < chars; i++) {
    parts.push(
      `## Step ${i}: configure the payments service`,
      `Set \`PAYMENTS_TIMEOUT_${i}\` before you deploy [${(i % 3) + 1}]. The service reads it at start, ` +
        'so **restart** every replica afterwards, and check the dashboard for errors.',
      `- open the runbook\n- run the migration ${i}\n- watch the *error rate* for ten minutes`,
      '```yaml\npayments:\n  timeout: 30s\n  retries: 3\n```',
      `| setting | default |\n| --- | --- |\n| timeout | 30 s |\n| retries | ${i} |`,
    );
  }
  return parts.join('\n\n').slice(0, chars);
}

main(async () => {
  const dist = path.join(repoRoot, 'packages/app/dist/index.html');
  if (!existsSync(dist)) {
    console.error('Building the dev app (packages/app) first');
    const build = spawnSync(
      process.execPath,
      [
        path.join(repoRoot, '.yarn/releases/yarn-4.18.1.cjs'),
        'workspace',
        'app',
        'build',
      ],
      { cwd: repoRoot, stdio: 'inherit' },
    );
    if (build.status !== 0) throw new Error('the dev app does not build');
  }
  const answer = markdownAnswer(ANSWER_CHARS);
  const ollama = await startOllamaTestServer({ models: ['llama3.2'] });
  const backend = await startDevBackend({
    aiAssistant: {
      models: { ollama: { baseUrl: ollama.baseUrl, models: ['llama3.2'] } },
    },
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
    });
    page.setDefaultTimeout(60_000);
    await page.goto(`${backend.baseUrl}/ai-assistant`);
    await page.getByRole('button', { name: 'Enter' }).click();
    const composer = page.getByRole('textbox', {
      name: 'Message to the AI assistant',
    });
    await composer.waitFor();

    ollama.scriptChat({ text: answer, delayMsPerToken: DELAY_MS_PER_TOKEN });
    ollama.scriptChat({ text: 'Configuring payments' });
    // Frame gaps and long tasks from the moment the question is sent.
    // A string, not a function: tsx would wrap a function's inner functions in a helper that
    // does not exist in the page.
    await page.evaluate(`
      window.__frames = [];
      window.__longTasks = [];
      new PerformanceObserver(list => {
        for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
      }).observe({ type: 'longtask' });
      let last = performance.now();
      requestAnimationFrame(function tick(now) {
        window.__frames.push(now - last);
        last = now;
        if (!window.__stopFrames) requestAnimationFrame(tick);
      });
    `);
    const started = Date.now();
    await composer.fill('How do I configure the payments service?');
    await composer.press('Enter');
    // Complete when the stop button, shown while the answer streams, has gone again.
    const stop = page.getByRole('button', { name: 'Stop generating' });
    await stop.waitFor();
    await stop.waitFor({ state: 'detached', timeout: 120_000 });
    const streamMs = Date.now() - started;
    const { frames, longTasks } = (await page.evaluate(
      `window.__stopFrames = true; ({ frames: window.__frames, longTasks: window.__longTasks })`,
    )) as { frames: number[]; longTasks: number[] };
    const p90 = percentile(frames, 90);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    const chars = ANSWER_CHARS.toLocaleString('en-US');
    report('streaming', [
      {
        name: `streaming a ${chars}-character markdown answer: frame time p90`,
        value: Math.round(p90 * 10) / 10,
        unit: 'ms',
        target: '≤ 50 ms',
        met: p90 <= 50,
      },
      {
        name: `streaming a ${chars}-character markdown answer: longest frame`,
        value: Math.round(Math.max(...frames)),
        unit: 'ms',
      },
      {
        name: `streaming a ${chars}-character markdown answer: long tasks (> 50 ms), total`,
        value: Math.round(sum(longTasks)),
        unit: `ms in ${longTasks.length} tasks`,
      },
      {
        name: `streaming a ${chars}-character markdown answer: question to complete answer`,
        value: streamMs,
        unit: 'ms',
      },
    ]);
  } finally {
    await browser.close();
    await backend.stop();
    await ollama.close();
  }
});

// Starts the `pipeline` workflow through the Temporal Web UI's Start Workflow form, in Debian's
// Chromium driven by Playwright, with corpusflow's real workers, and waits until the UI shows
// the run completed. Screenshots go to a temp folder, or to docs/screenshots (the README's
// pictures) with CORPUSFLOW_SCREENSHOTS=update.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSummary } from '../../schemas/pipeline';
import { corpusflowSearchAttributes } from '../../schemas/search-attributes';
import { sharedData, tempDir } from '../support/fixtures';
import { temporalBinary } from '../support/temporal';
import type { Worker } from '@temporalio/worker';
import { readWorkerEnv } from '../../workers/config';
import { createWorker } from '../../workers/create';
import { workflowBundle } from '../support/workers';

const chromiumPath = process.env.CORPUSFLOW_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
const screenshotsDir =
  process.env.CORPUSFLOW_SCREENSHOTS === 'update' ? path.resolve(import.meta.dirname, '../../docs/screenshots') : mkdtempSync(path.join(os.tmpdir(), 'corpusflow-screenshots-'));

// Skipping is allowed on a developer machine only; CI installs Chromium (infra/apt-packages.txt),
// so there a missing browser fails the test below instead.
const skipWithoutChromium = !hasChromium && !process.env.CI;
if (skipWithoutChromium) {
  console.error(
    `\n${'!'.repeat(78)}\n!! SKIPPED: the Temporal UI browser test needs Chromium at ${chromiumPath}.\n!! Install it with "bash infra/install.sh" (Debian package chromium) and run again.\n${'!'.repeat(78)}\n`,
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Fills the Start Workflow form of the `cpu` queue and submits it. */
async function startFromForm(page: Page, uiUrl: string, workflowId: string, workflowType: string, input: unknown, screenshotName?: string): Promise<void> {
  await page.goto(`${uiUrl}/namespaces/default/workflows`);
  await page.getByRole('link', { name: 'Start Workflow' }).or(page.getByRole('button', { name: 'Start Workflow' })).first().click();
  await page.locator('#workflowId').fill(workflowId);
  await page.locator('#taskQueue').fill('cpu');
  await page.locator('#workflowType').fill(workflowType);
  await page.locator('.cm-content').first().click();
  await page.keyboard.insertText(JSON.stringify(input, null, 2));
  if (screenshotName) await screenshot(page, screenshotName);
  await page.locator('button[type="button"]', { hasText: 'Start Workflow' }).click();
}

/** The UI sends the start request after the click returns, so poll until the server has recorded the run. */
async function waitUntilStarted(testEnv: TestWorkflowEnvironment, workflowId: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    const found = await testEnv.client.workflow.getHandle(workflowId).describe().then(() => true, () => false);
    if (found) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The UI did not start workflow ${workflowId} within 30 s of the click`);
}

async function screenshot(page: Page, name: string): Promise<string> {
  const file = path.join(screenshotsDir, name);
  await page.screenshot({ path: file });
  return file;
}

describe.skipIf(skipWithoutChromium)('Temporal UI start workflow form', () => {
  let testEnv: TestWorkflowEnvironment;
  let uiUrl: string;
  let worker: Worker;
  let running: Promise<unknown>;
  let browser: BrowserContext;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`Chromium not found at ${chromiumPath}: run "bash infra/install.sh", which installs the Debian package chromium.`);
    const uiPort = await freePort();
    testEnv = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalBinary },
        ip: '127.0.0.1',
        ui: true,
        uiPort,
        searchAttributes: corpusflowSearchAttributes,
        log: { format: 'pretty', level: 'error' },
      },
    });
    uiUrl = `http://127.0.0.1:${uiPort}`;
    // The server is this test's own, so the worker polls the real queue name, as in the README.
    const env = readWorkerEnv({ ...process.env, CORPUSFLOW_TASK_QUEUE_PREFIX: '' });
    worker = await createWorker({ connection: testEnv.nativeConnection, env, queue: 'cpu', workflowBundle: await workflowBundle() });
    running = worker.run();

    mkdirSync(screenshotsDir, { recursive: true });
    browser = await chromium.launchPersistentContext(mkdtempSync(path.join(os.tmpdir(), 'corpusflow-chromium-')), {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    worker?.shutdown();
    await running;
    await testEnv?.teardown();
  });

  it('starts the pipeline and shows it completed', async () => {
    const input = tempDir('ui-input');
    for (const name of ['bbc-1.html', 'lemonde-1.html']) copyFileSync(path.join(sharedData, 'web/readability', name), path.join(input, name));
    const output = tempDir('ui-output');
    const workflowId = 'pipeline-web-1';
    const page = browser.pages()[0] ?? (await browser.newPage());

    await startFromForm(page, uiUrl, workflowId, 'pipeline', { input, output }, 'start-workflow-form.png');
    await waitUntilStarted(testEnv, workflowId);

    const summary = (await testEnv.client.workflow.getHandle(workflowId).result()) as PipelineSummary;
    expect(summary.inputFiles).toBe(2);
    expect(summary.documents).toBe(2);

    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    await page.getByText('Completed').first().waitFor();
    const completed = await screenshot(page, 'workflow-completed.png');

    await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(`CorpusflowStage="done"`)}`);
    await page.getByText(workflowId).first().waitFor();
    const filtered = await screenshot(page, 'workflows-by-stage.png');

    for (const file of [completed, filtered]) expect(readFileSync(file).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('fails an invalid input at once with the field named', async () => {
    const workflowId = 'pipeline-invalid-1';
    const page = browser.pages()[0] ?? (await browser.newPage());
    await startFromForm(page, uiUrl, workflowId, 'pipeline', { shardSizeBytes: 'large' });
    await waitUntilStarted(testEnv, workflowId);

    const error = await testEnv.client.workflow.getHandle(workflowId).result().then(
      () => undefined,
      (failure: Error & { cause?: Error }) => failure.cause?.message,
    );
    expect(error).toBe('Invalid pipeline input: shardSizeBytes: Invalid input: expected number, received string');

    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
    await page.getByText(/^failed$/i).first().waitFor();
    await page.getByText('expected number, received string').first().waitFor();
    await screenshot(page, 'invalid-input-failure.png');
  });
});

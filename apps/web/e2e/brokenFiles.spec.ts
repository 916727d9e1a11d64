import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Bad definition files are found when the server starts, so this spec starts a server of its
 * own on a state directory that holds them (the shared one is already running).
 */
test.describe('a guest whose definition file is bad', () => {
  let stateDir: string;
  let server: ChildProcess | undefined;
  let url: string;

  test.beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'virtdeck-e2e-broken-'));
    await mkdir(path.join(stateDir, 'domains'));
    await symlink('/etc/passwd', path.join(stateDir, 'domains', 'sneaky.xml'));
    await writeFile(path.join(stateDir, 'domains', 'cut.xml'), "<domain type='qemu'>\n  <name>cut</na");
    server = spawn(process.execPath, [path.join(repoRoot, 'apps/server/dist/main.js')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PORT: '0', VIRTDECK_STATE_DIR: stateDir, VIRTDECK_WEB_ROOT: path.join(repoRoot, 'apps/web/dist'), LOG_LEVEL: 'error' },
    });
    const started = server;
    const origin = await new Promise<string>((resolve, reject) => {
      let out = '';
      started.stdout?.setEncoding('utf8');
      started.stdout?.on('data', (chunk: string) => {
        out += chunk;
        const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match?.[1]) resolve(match[1]);
      });
      started.on('exit', (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
    });
    started.stdout?.resume();
    url = `${origin}?token=${(await readFile(path.join(stateDir, 'token'), 'utf8')).trim()}`;
  });
  test.afterAll(async () => {
    server?.kill('SIGTERM');
    await rm(stateDir, { recursive: true, force: true });
  });

  test('is listed as broken with its file and the reason, on the dashboard and its page, with Delete as the only action', async ({ page }) => {
    await page.goto(url);
    await expect(page.getByTestId('vm-sneaky-state')).toHaveText('broken');
    await expect(page.getByTestId('vm-sneaky-last-error')).toContainText('domains/sneaky.xml is a symbolic link (to /etc/passwd)');
    await expect(page.getByTestId('vm-cut-state')).toHaveText('broken');
    await expect(page.getByTestId('vm-cut-last-error')).toContainText('domains/cut.xml is not well-formed XML (line 2');
    await expect(page.getByTestId('vm-cut-start')).toHaveCount(0);

    await page.getByTestId('vm-cut-link').click();
    await expect(page.getByTestId('guest-page-cut')).toBeVisible();
    await expect(page.getByTestId('vm-cut-last-error')).toContainText('domains/cut.xml is not well-formed XML');
    await expect(page.getByTestId('vm-cut-start')).toHaveCount(0);
    await page.getByTestId('vm-cut-delete').click();
    await page.getByTestId('confirm-delete').getByRole('button', { name: 'Delete' }).click();
    await expect(page.getByTestId('guest-missing').or(page.getByTestId('dashboard'))).toBeVisible();
  });
});

// One vitest run over every workspace. Each workspace gets two projects:
// `NAME:unit` (fast, no QEMU) and `NAME:integration` (`*.int.test.ts`: real QEMU, real files).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('..', import.meta.url));
const workspaces = [
  { name: 'schema', dir: 'packages/schema' },
  { name: 'qemu', dir: 'packages/qemu' },
  { name: 'qmp', dir: 'packages/qmp' },
  { name: 'server', dir: 'apps/server' },
  { name: 'web', dir: 'apps/web' },
];

export default defineConfig({
  test: {
    projects: workspaces.flatMap(({ name, dir }) => [
      {
        resolve: { conditions: ['source'] },
        ssr: { resolve: { conditions: ['source'] } },
        test: {
          name: `${name}:unit`,
          root: `${root}${dir}`,
          // build/: the web app's own Vite plugins.
          include: ['src/**/*.test.{ts,tsx}', 'build/**/*.test.ts'],
          exclude: ['src/**/*.int.test.ts', 'node_modules/**', 'dist/**'],
        },
      },
      {
        resolve: { conditions: ['source'] },
        ssr: { resolve: { conditions: ['source'] } },
        test: {
          name: `${name}:integration`,
          root: `${root}${dir}`,
          include: ['src/**/*.int.test.ts'],
          globalSetup: [`${root}scripts/lib/integrationSetup.ts`],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ]),
  },
});

import path from 'node:path';
import { fileURLToPath } from 'node:url';

const committed = fileURLToPath(new URL('./screenshots/', import.meta.url));
const scratch = fileURLToPath(new URL('../../../test-results/screenshots/', import.meta.url));

/**
 * Where a README screenshot goes. A normal test run writes to test-results/ so the
 * working tree stays clean; `VIRTDECK_SCREENSHOTS=update npm run e2e` refreshes the
 * committed pictures in apps/web/e2e/screenshots/.
 */
export function screenshotPath(name: string): string {
  return path.join(process.env.VIRTDECK_SCREENSHOTS === 'update' ? committed : scratch, `${name}.png`);
}

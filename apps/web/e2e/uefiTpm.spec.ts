import path from 'node:path';
import { processesMentioning } from '../../server/src/testing/processes.js';
import { expect, openApp, test, uniqueName } from './fixtures.js';
import { viewLine } from './monaco.js';

/** OVMF under TCG on two busy cores takes far longer than SeaBIOS to get going. */
const UEFI_BOOT_MS = 180_000;

test('a q35 guest given UEFI, a TPM and the default network in the form runs OVMF with its swtpm', async ({ page, server, api }) => {
  test.setTimeout(UEFI_BOOT_MS + 60_000);
  const name = uniqueName('e2e-uefi');
  await openApp(page, server);
  await page.getByTestId('new-guest').click();
  await page.getByTestId('template-q35-virtio-disk').locator('input').check();
  await page.getByTestId('template-name').fill(name);
  await page.getByTestId('use-template').click();
  await expect(page.getByTestId('workbench')).toBeVisible();

  // What this host can give is offered; each choice shows up in the text.
  const firmware = page.getByTestId('form-firmware');
  await expect(firmware.locator('option', { hasText: 'UEFI with secure boot' })).toBeEnabled();
  await firmware.selectOption('uefi');
  await expect(viewLine(page, "<os firmware='efi'>")).toBeVisible();
  await expect(viewLine(page, "<feature enabled='no' name='secure-boot'/>")).toBeVisible();
  await page.getByTestId('form-tpm').check();
  await expect(page.getByTestId('command-preview-line')).toContainText('tpm-crb');
  await page.getByTestId('form-interface-0').getByLabel('Interface type').selectOption('network');
  const network = page.getByTestId('form-interface-0-source');
  await expect(network.locator('option', { hasText: 'default (NAT, 192.168.122.0/24)' })).toBeEnabled();
  await network.selectOption('default');
  // The interface's lines are below the editor's fold (the template's spare root ports come
  // first): the preview's note on that line says the text has it; the saved text is read below.
  await expect(page.getByTestId('command-preview')).toContainText("The network 'default' is looked up when the guest starts");
  await expect(page.getByTestId('command-preview-line')).toContainText('OVMF_CODE_4M.fd');

  // The form reads what the text now says.
  await expect(firmware).toHaveValue('uefi');
  await expect(page.getByTestId('form-tpm')).toBeChecked();
  await expect(network).toHaveValue('default');

  await page.getByTestId('save').click();
  await expect(page.getByTestId(`guest-page-${name}`)).toBeVisible();
  const saved = await (await api.get(`/api/domains/${encodeURIComponent(name)}/xml`)).text();
  expect(saved).toContain("<source network='default'/>");
  expect(saved).toContain("<os firmware='efi'>");
  const badge = page.getByTestId(`vm-${name}-state`);
  await page.getByTestId(`vm-${name}-start`).click();
  await expect(badge).toHaveText('running');
  // OVMF's boot manager writes to the serial port: the guest runs UEFI (the disk is empty). The
  // terminal shows the screen as it is now, and OVMF clears it when it hands over to its shell, so
  // either the boot manager's lines or the shell that follows them is the proof.
  await expect(page.getByTestId('console')).toContainText(/BdsDxe: (failed to load|loading)|UEFI Interactive Shell/, {
    timeout: UEFI_BOOT_MS,
  });
  const swtpm = processesMentioning(path.join(server.stateDir, 'swtpm', name));
  expect(swtpm.some((p) => p.includes('swtpm socket --tpm2'))).toBe(true);

  await page.getByTestId('tab-command-line').click();
  await expect(page.getByTestId('command-line')).toContainText('-tpmdev');
  await expect(page.getByTestId('command-line')).toContainText('emulator,id=tpm-tpm0,chardev=chrtpm');

  await page.getByTestId(`vm-${name}-destroy`).click();
  await expect(badge).toHaveText('shutoff');
  await expect.poll(() => processesMentioning(path.join(server.stateDir, 'swtpm', name))).toEqual([]);
});

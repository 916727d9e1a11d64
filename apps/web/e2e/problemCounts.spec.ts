import { expect, openApp, test } from './fixtures.js';

/** Valid libvirt XML (a disk's <source> is optional to libvirt's schema) that this host cannot start: the disk has nothing to read. */
const DISK_WITHOUT_SOURCE = `<domain type='qemu'>
  <name>no-source</name>
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
`;

test('the editor header counts a host error that stops a start, as the command-line pane and the problems list show it', async ({ page, server }) => {
  await openApp(page, server, '#/new');
  await page.getByTestId('import-text').fill(DISK_WITHOUT_SOURCE);
  await page.getByTestId('import-paste').click();
  const notes = page.getByTestId('command-preview-notes');
  await expect(notes.locator('li.error')).toHaveCount(1);
  await expect(notes).toContainText('error line 8: This disk has no <source>');
  // Was '0 errors · 1 warning' beside the pane's ERROR.
  await expect(page.getByTestId('problem-counts')).toHaveText('1 error stops a start · 0 warnings');

  await page.getByTestId('problem-counts').click();
  const problems = page.getByTestId('problems').locator('li');
  await expect(problems).toHaveCount(1);
  await expect(problems.first()).toContainText('error on this host');
  await expect(problems.first()).toContainText('This disk has no <source>');
});

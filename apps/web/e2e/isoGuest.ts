import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { escapeXml } from '@virtdeck/schema';
import { ensureDemoGuest } from '../../../scripts/lib/demo-guest.mjs';
import { ensureInstallerIso } from '../../../scripts/lib/installer-iso.mjs';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The installer-demo ISO (banner and a shell on VGA, the ready marker on serial), built once and cached. */
export async function installerIso(): Promise<string> {
  const guest = await ensureDemoGuest({ cacheDir: path.join(repoRoot, '.cache', 'guest'), log: () => undefined });
  return (await ensureInstallerIso(guest, { cacheDir: path.join(repoRoot, '.cache', 'iso') })).iso;
}

/** A guest booting the ISO from its CD-ROM, with a VGA screen behind a VNC display (and a serial port for its log). */
export function isoGuestXml(name: string, iso: string, password?: string): string {
  const passwd = password === undefined ? '' : ` passwd='${escapeXml(password)}'`;
  return `<domain type='qemu'>
  <name>${escapeXml(name)}</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='cdrom'/></os>
  <features><acpi/></features>
  <on_reboot>restart</on_reboot>
  <devices>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${escapeXml(iso)}'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc'${passwd}/>
    <video><model type='vga'/></video>
  </devices>
</domain>
`;
}

export interface PixelStats {
  width: number;
  height: number;
  /** Mean brightness, 0–255. */
  mean: number;
  /** Distinct brightness values: 1 for a blank screen. */
  levels: number;
}

/**
 * What the noVNC canvas of the page's Screen tab shows, and the server's screenshot of the
 * same guest decoded in the same page, so both are measured alike.
 */
export async function screenPixels(page: Page, name: string, host?: string): Promise<{ canvas: PixelStats | null; screenshot: PixelStats }> {
  const screenshotUrl = `${host === undefined ? '/api' : `/api/hosts/${encodeURIComponent(host)}`}/domains/${encodeURIComponent(name)}/screenshot?width=4096`;
  return page.evaluate(async (url) => {
    const stats = (data: ImageData) => {
      let sum = 0;
      const levels = new Set<number>();
      for (let i = 0; i < data.data.length; i += 4) {
        const value = Math.round(((data.data[i] ?? 0) + (data.data[i + 1] ?? 0) + (data.data[i + 2] ?? 0)) / 3);
        sum += value;
        levels.add(value);
      }
      return { width: data.width, height: data.height, mean: sum / (data.width * data.height || 1), levels: levels.size };
    };
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="screen"] canvas');
    const canvasStats = canvas && canvas.width > 0 ? stats(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)) : null;
    const response = await fetch(url);
    const bitmap = await createImageBitmap(await response.blob());
    const off = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = off.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    return { canvas: canvasStats, screenshot: stats(context.getImageData(0, 0, bitmap.width, bitmap.height)) };
  }, screenshotUrl);
}

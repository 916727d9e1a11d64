import { escapeXml } from '@virtdeck/schema';
import { ApiError, json, notifyUnauthorized, request, xml } from './client';
import type { ErrorBody, PoolSummary, VolumeSummary } from './types';

const poolUrl = (pool: string, rest = '') => `/api/pools/${encodeURIComponent(pool)}${rest}`;
const volumeUrl = (pool: string, volume: string) => poolUrl(pool, `/volumes/${encodeURIComponent(volume)}`);

/** libvirt's `<pool type='dir'>` with its target path, as `virsh pool-define-as NAME dir --target PATH` writes it. */
export function dirPoolXml(name: string, path: string): string {
  return `<pool type='dir'>\n  <name>${escapeXml(name)}</name>\n  <target>\n    <path>${escapeXml(path)}</path>\n  </target>\n</pool>\n`;
}

/** libvirt's `<volume>` for vol-create: its size in bytes, its format and, for an overlay, the volume below it. */
export function volumeXml(volume: { name: string; format: 'qcow2' | 'raw'; capacity: number; backingPath?: string }): string {
  const backing = volume.backingPath ? `  <backingStore>\n    <path>${escapeXml(volume.backingPath)}</path>\n  </backingStore>\n` : '';
  return (
    `<volume>\n  <name>${escapeXml(volume.name)}</name>\n  <capacity unit='bytes'>${volume.capacity}</capacity>\n` +
    `  <target>\n    <format type='${volume.format}'/>\n  </target>\n${backing}</volume>\n`
  );
}

export const storageApi = {
  pools: (signal?: AbortSignal) => request<PoolSummary[]>('GET', '/api/pools', { signal }),
  definePool: (name: string, path: string) => request<PoolSummary>('POST', '/api/pools', xml(dirPoolXml(name, path))),
  undefinePool: (pool: string) => request<void>('DELETE', poolUrl(pool)),
  volumes: (pool: string, signal?: AbortSignal) => request<VolumeSummary[]>('GET', poolUrl(pool, '/volumes'), { signal }),
  createVolume: (pool: string, volume: Parameters<typeof volumeXml>[0]) => request<VolumeSummary>('POST', poolUrl(pool, '/volumes'), xml(volumeXml(volume))),
  resizeVolume: (pool: string, volume: string, capacity: number) => request<VolumeSummary>('POST', `${volumeUrl(pool, volume)}/resize`, json({ capacity })),
  deleteVolume: (pool: string, volume: string) => request<void>('DELETE', volumeUrl(pool, volume)),
  /** The download link: the server answers with an attachment, so the browser saves it. */
  downloadUrl: volumeUrl,
};

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * Uploads a file as a volume with XMLHttpRequest, the one browser API that reports upload
 * progress (fetch does not). Aborting the signal cancels it; the server removes the partial file.
 */
export function uploadVolume(pool: string, volume: string, file: Blob, onProgress: (progress: UploadProgress) => void, signal: AbortSignal): Promise<VolumeSummary> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', volumeUrl(pool, volume));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onload = () => {
      const isJson = xhr.getResponseHeader('content-type')?.includes('application/json') ?? false;
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(JSON.parse(xhr.responseText) as VolumeSummary);
        return;
      }
      if (xhr.status === 401) notifyUnauthorized();
      const body: ErrorBody = isJson ? (JSON.parse(xhr.responseText) as ErrorBody) : { code: 'internal', message: `${xhr.status} ${xhr.statusText}`.trim() };
      reject(new ApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(new TypeError('the upload was cut off'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    if (signal.aborted) {
      reject(new DOMException('The upload was cancelled', 'AbortError'));
      return;
    }
    signal.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

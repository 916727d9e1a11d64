/**
 * Bench part `upload`: a volume upload (PUT /api/pools/default/volumes/NAME, streamed to the
 * pool, fsynced, renamed) against `cp` of the same file into the same directory in the same run,
 * plain and followed by `sync FILE` (the fsync the server does). The server's RSS
 * (/proc/PID/status VmRSS) is sampled during each upload: streamed, it should not grow with the
 * file. Interleaved, each column first in turn; medians of BENCH_UPLOAD_RUNS (3) runs of a
 * BENCH_UPLOAD_MIB (1024) MiB file.
 */
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { open, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ServerProcess } from '../testing/serverProcess.js';
import { median } from './stats.js';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const now = () => performance.now();

export interface UploadResults {
  mib: number;
  upload: number[];
  cp: number[];
  cpSync: number[];
  rssBeforeKiB: number[];
  rssPeakKiB: number[];
}

/** The file: 1 MiB of varied bytes repeated (no run of zeros a copy could skip). */
async function makeFile(file: string, mib: number): Promise<void> {
  const chunk = Buffer.alloc(MiB);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 2654435761) >>> 24;
  const handle = await open(file, 'w');
  try {
    for (let i = 0; i < mib; i++) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

function put(server: ServerProcess, volume: string, file: string, size: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(`/api/pools/default/volumes/${encodeURIComponent(volume)}`, server.url);
    const request = http.request(url, { method: 'PUT', headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': size } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    createReadStream(file).pipe(request);
  });
}

export async function uploadThroughput(server: ServerProcess, stateDir: string, options: { runs: number; mib: number; settleMs: number; log: (message: string) => void }): Promise<UploadResults> {
  const pid = server.child.pid;
  if (pid === undefined) throw new Error('the server has no pid');
  const source = path.join(stateDir, 'bench-upload.bin');
  const images = path.join(stateDir, 'images');
  const size = options.mib * MiB;
  options.log(`upload: writing a ${options.mib} MiB file`);
  await makeFile(source, options.mib);
  const results: UploadResults = { mib: options.mib, upload: [], cp: [], cpSync: [], rssBeforeKiB: [], rssPeakKiB: [] };

  const viaUpload = async () => {
    const before = await rssKiB(pid);
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await rssKiB(pid));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const t0 = now();
    const status = await put(server, 'bench-upload.img', source, size);
    const t1 = now();
    sampling = false;
    await sampler;
    if (status !== 201 && status !== 200) throw new Error(`the upload answered ${status}`);
    results.upload.push(t1 - t0);
    results.rssBeforeKiB.push(before);
    results.rssPeakKiB.push(peak);
    await server.api.delete('/api/pools/default/volumes/bench-upload.img');
  };
  const viaCp = async (sync: boolean) => {
    const target = path.join(images, 'bench-cp.img');
    const t0 = now();
    await run('cp', [source, target]);
    if (sync) await run('sync', [target]);
    const t1 = now();
    (sync ? results.cpSync : results.cp).push(t1 - t0);
    await rm(target, { force: true });
  };

  try {
    for (let round = 0; round < options.runs; round++) {
      options.log(`upload round ${round + 1}/${options.runs}`);
      const columns = [viaUpload, () => viaCp(false), () => viaCp(true)];
      for (let i = 0; i < columns.length; i++) {
        await columns[(round + i) % columns.length]!();
        await new Promise((resolve) => setTimeout(resolve, options.settleMs));
      }
    }
  } finally {
    await rm(source, { force: true });
  }
  return results;
}

export function reportUpload(r: UploadResults, runs: number): void {
  const rate = (samples: number[]) => r.mib / (median(samples) / 1000);
  const line = (label: string, value: string, note = '') => console.log(`${label.padEnd(46)} ${value.padStart(14)}  ${note}`);
  console.log(`\nUpload of a ${r.mib} MiB file into the default pool — medians of ${runs} runs (same file, same directory, interleaved)`);
  line('PUT /api/pools/default/volumes/NAME', `${rate(r.upload).toFixed(0)} MiB/s`, `${(median(r.upload) / 1000).toFixed(2)} s (streamed, fsynced, renamed)`);
  line('cp', `${rate(r.cp).toFixed(0)} MiB/s`, `${(median(r.cp) / 1000).toFixed(2)} s (page cache only)`);
  line('cp + sync FILE', `${rate(r.cpSync).toFixed(0)} MiB/s`, `${(median(r.cpSync) / 1000).toFixed(2)} s`);
  line('upload / (cp + sync) time', `${(median(r.upload) / median(r.cpSync)).toFixed(2)}x`);
  line('server RSS before an upload', `${(median(r.rssBeforeKiB) / 1024).toFixed(0)} MiB`);
  line('server RSS peak during an upload', `${(median(r.rssPeakKiB) / 1024).toFixed(0)} MiB`, `growth ${((median(r.rssPeakKiB) - median(r.rssBeforeKiB)) / 1024).toFixed(0)} MiB for a ${r.mib} MiB body`);
}

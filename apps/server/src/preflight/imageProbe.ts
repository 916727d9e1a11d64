/**
 * What an image's header says it needs from the host: `qemu-img info` of one image at a
 * time, with its format given (never probed: a raw image that looks like qcow2 must not be
 * read as one) and without `--backing-chain`, so that probing itself opens no file the
 * definition does not name. Results are cached by path and the file's identity.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What one image names besides itself. */
export interface ImageFacts {
  format: string;
  /** The backing file the header names, made absolute as QEMU resolves it; undefined when none. */
  backing?: string;
  backingFormat?: string;
  /** Other files QEMU opens for this image: a qcow2 external data file, vmdk extents. */
  others: string[];
}

interface QemuImgInfo {
  format?: string;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
  'backing-filename-format'?: string;
  'format-specific'?: { type?: string; data?: { 'data-file'?: string; extents?: { filename?: string }[] } };
}

export interface ImageProbeOptions {
  qemuImg?: string;
  timeoutMs?: number;
}

/** Formats whose images have no header naming other files: nothing to probe. */
const SELF_CONTAINED = new Set(['raw', 'aio', 'iso', 'cloop', 'dmg', 'bochs']);

export class ImageProbe {
  private readonly cache = new Map<string, { stamp: string; facts: ImageFacts }>();
  private readonly qemuImg: string;
  private readonly timeoutMs: number;
  /** How many times qemu-img ran (for tests and the benchmark). */
  runs = 0;

  constructor(options: ImageProbeOptions = {}) {
    this.qemuImg = options.qemuImg ?? 'qemu-img';
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  static needsProbe(format: string): boolean {
    return !SELF_CONTAINED.has(format);
  }

  /**
   * The facts of the image at `file` read as `format`. The caller has checked that it is a
   * regular file or block device (qemu-img would wait forever on a FIFO). Throws with
   * qemu-img's own message when the image is not in that format or cannot be read.
   */
  async facts(file: string, format: string): Promise<ImageFacts> {
    const absolute = path.resolve(file);
    const stat = await fs.stat(absolute);
    const stamp = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    const key = `${format}\0${absolute}`;
    const cached = this.cache.get(key);
    if (cached?.stamp === stamp) return cached.facts;
    this.runs++;
    let stdout: string;
    try {
      ({ stdout } = await run(this.qemuImg, ['info', '--output=json', '-U', '-f', format, absolute], { timeout: this.timeoutMs, env: { ...process.env, LC_ALL: 'C' } }));
    } catch (error) {
      const { stderr, killed } = error as { stderr?: string; killed?: boolean };
      const reason = killed ? `qemu-img gave no answer within ${this.timeoutMs} ms` : (stderr ?? '').trim().replace(/^qemu-img: /, '') || String(error);
      throw new Error(reason, { cause: error });
    }
    const facts = toFacts(JSON.parse(stdout) as QemuImgInfo, absolute, format);
    this.cache.set(key, { stamp, facts });
    return facts;
  }
}

function toFacts(info: QemuImgInfo, file: string, format: string): ImageFacts {
  const dir = path.dirname(file);
  // A protocol or json: pseudo-filename stays as QEMU would read it.
  const resolve = (name: string): string => (/^[a-z][a-z0-9+.-]*:/i.test(name) ? name : path.resolve(dir, name));
  const facts: ImageFacts = { format: info.format ?? format, others: [] };
  const backing = info['full-backing-filename'] ?? info['backing-filename'];
  if (backing) facts.backing = resolve(backing);
  if (info['backing-filename-format']) facts.backingFormat = info['backing-filename-format'];
  const data = info['format-specific']?.data;
  if (data?.['data-file']) facts.others.push(resolve(data['data-file']));
  for (const extent of data?.extents ?? []) {
    if (extent.filename && resolve(extent.filename) !== file) facts.others.push(resolve(extent.filename));
  }
  return facts;
}

/** The server's one probe: its cache serves the editor's checks and the starts alike. */
export const sharedImageProbe = new ImageProbe();

import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { VirtdeckError } from '../errors.js';

/** An RGB picture, 3 bytes per pixel, rows top to bottom. */
export interface RgbImage {
  width: number;
  height: number;
  pixels: Buffer;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** IHDR colour type 2: truecolour, 8 bits a sample. */
const COLOUR_RGB = 2;
/** IHDR colour type 6: truecolour with alpha. */
const COLOUR_RGBA = 6;
/** A screen is at most this big (QEMU's own limit for a display is 16384 across). */
const MAX_SIDE = 16_384;

/**
 * Reads the binary PPM (P6, maxval 255) that QMP `screendump` writes. Anything else is
 * refused with what was found, rather than guessed at.
 */
export function parsePpm(data: Buffer): RgbImage {
  const fields: string[] = [];
  let at = 0;
  // Header: magic, width, height, maxval, separated by whitespace (comments start with '#'),
  // then exactly one whitespace byte before the pixels.
  while (fields.length < 4 && at < data.length) {
    const byte = data[at] as number;
    if (byte === 0x23) {
      while (at < data.length && data[at] !== 0x0a) at++;
    } else if (isSpace(byte)) {
      at++;
    } else {
      const start = at;
      while (at < data.length && !isSpace(data[at] as number)) at++;
      fields.push(data.toString('latin1', start, at));
    }
  }
  const [magic, w, h, max] = fields;
  const width = Number(w);
  const height = Number(h);
  if (magic !== 'P6' || !Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width <= 0 || height <= 0 || max !== '255') {
    throw new VirtdeckError('qemu-failed', `The screendump is not an 8-bit binary PPM (header: ${fields.join(' ')})`);
  }
  const pixels = data.subarray(at + 1, at + 1 + width * height * 3);
  if (pixels.length !== width * height * 3) throw new VirtdeckError('qemu-failed', `The screendump is cut short: ${pixels.length} of ${width * height * 3} pixel bytes`);
  return { width, height, pixels };
}

/**
 * A screendump as QEMU or libvirt gives it: QMP `screendump` writes a PPM, libvirt's
 * `virsh screenshot` hands over QEMU's PNG.
 */
export function readScreendump(data: Buffer): RgbImage {
  return data.subarray(0, 8).equals(PNG_SIGNATURE) ? decodePng(data) : parsePpm(data);
}

/**
 * Reads a PNG of 8-bit truecolour (with or without alpha, which is dropped), not interlaced:
 * what QEMU's screendump writes. Anything else is refused with what was found.
 */
export function decodePng(data: Buffer): RgbImage {
  const refuse = (why: string) => new VirtdeckError('qemu-failed', `The screendump is not a PNG virtdeck reads: ${why}`);
  if (!data.subarray(0, 8).equals(PNG_SIGNATURE)) throw refuse('no PNG signature');
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  for (let at = 8; at + 12 <= data.length; ) {
    const length = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    if (body.length !== length) throw refuse(`the ${type} chunk is cut short`);
    if (type === 'IHDR') header = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!header || header.length < 13) throw refuse('no IHDR chunk');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, colour, , , interlace] = header.subarray(8, 13);
  if (width === 0 || height === 0 || width > MAX_SIDE || height > MAX_SIDE) throw refuse(`${width}×${height} pixels`);
  if (depth !== 8 || (colour !== COLOUR_RGB && colour !== COLOUR_RGBA) || interlace !== 0) {
    throw refuse(`bit depth ${depth}, colour type ${colour}, interlace ${interlace}`);
  }
  const channels = colour === COLOUR_RGBA ? 4 : 3;
  const stride = width * channels;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: (stride + 1) * height });
  } catch (error) {
    throw refuse(`its image data does not inflate (${(error as Error).message})`);
  }
  if (raw.length !== (stride + 1) * height) throw refuse(`${raw.length} of ${(stride + 1) * height} bytes of image data`);
  const rows = unfilter(raw, stride, height, channels, refuse);
  if (channels === 3) return { width, height, pixels: rows };
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0, o = 0; i < rows.length; i += 4, o += 3) rows.copy(pixels, o, i, i + 3);
  return { width, height, pixels };
}

/** Undoes PNG's per-row filters (none, sub, up, average, Paeth) into plain rows. */
function unfilter(raw: Buffer, stride: number, height: number, bpp: number, refuse: (why: string) => Error): Buffer {
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    const prior = row - stride;
    for (let x = 0; x < stride; x++) {
      const left = x >= bpp ? (out[row + x - bpp] as number) : 0;
      const up = y > 0 ? (out[prior + x] as number) : 0;
      const upLeft = y > 0 && x >= bpp ? (out[prior + x - bpp] as number) : 0;
      let predicted: number;
      switch (filter) {
        case 0: predicted = 0; break;
        case 1: predicted = left; break;
        case 2: predicted = up; break;
        case 3: predicted = (left + up) >> 1; break;
        case 4: predicted = paeth(left, up, upLeft); break;
        default: throw refuse(`row ${y} has filter type ${filter}`);
      }
      out[row + x] = ((line[x] as number) + predicted) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** A PNG of the picture: one IDAT, no filtering (screens compress well enough unfiltered). */
export function encodePng({ width, height, pixels }: RgbImage): Buffer {
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) pixels.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, COLOUR_RGB, 0, 0, 0], 8);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 6 })), chunk('IEND', Buffer.alloc(0))]);
}

/** The picture shrunk to at most `maxWidth` pixels across, each pixel the mean of the box it covers. */
export function shrink(image: RgbImage, maxWidth: number): RgbImage {
  if (image.width <= maxWidth) return image;
  const width = maxWidth;
  const height = Math.max(1, Math.round((image.height * width) / image.width));
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * image.height) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * image.height) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * image.width) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * image.width) / width));
      const sum = [0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const i = (sy * image.width + sx) * 3;
          for (let c = 0; c < 3; c++) sum[c] = (sum[c] as number) + (image.pixels[i + c] as number);
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 3; c++) pixels[(y * width + x) * 3 + c] = Math.round((sum[c] as number) / n);
    }
  }
  return { width, height, pixels };
}

function chunk(type: string, body: Buffer): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0b || byte === 0x0c;
}

import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodePng, encodePng, parsePpm, readScreendump, shrink } from './png.js';

const ppm = (header: string, pixels: number[]) => Buffer.concat([Buffer.from(header, 'latin1'), Buffer.from(pixels)]);

describe('screenshots: PPM in, PNG out', () => {
  it('reads a P6 with a comment in its header', () => {
    const image = parsePpm(ppm('P6\n# qemu\n2 1\n255\n', [255, 0, 0, 0, 0, 255]));
    expect(image).toEqual({ width: 2, height: 1, pixels: Buffer.from([255, 0, 0, 0, 0, 255]) });
  });

  it('refuses what is not an 8-bit P6, or is cut short', () => {
    expect(() => parsePpm(ppm('P3\n1 1\n255\n', [0, 0, 0]))).toThrow(/not an 8-bit binary PPM/);
    expect(() => parsePpm(ppm('P6\n2 2\n255\n', [0, 0, 0]))).toThrow(/cut short: 3 of 12/);
  });

  it('writes a PNG whose chunks check out and whose rows are the pixels', () => {
    const pixels = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const png = encodePng({ width: 2, height: 2, pixels });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([2, 2, 8, 2]);
    const idatLength = png.readUInt32BE(33);
    expect(png.toString('latin1', 37, 41)).toBe('IDAT');
    const rows = inflateSync(png.subarray(41, 41 + idatLength));
    expect([...rows]).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 7, 8, 9, 10, 11, 12]);
    expect(png.subarray(-12).toString('latin1', 4, 8)).toBe('IEND');
    // CRC of IEND's type and empty body, as every PNG ends.
    expect(png.readUInt32BE(png.length - 4)).toBe(0xae426082);
  });

  it('shrinks by averaging the pixels each output pixel covers', () => {
    const image = { width: 4, height: 2, pixels: Buffer.from([0, 0, 0, 200, 200, 200, 10, 10, 10, 10, 10, 10, 0, 0, 0, 200, 200, 200, 10, 10, 10, 10, 10, 10]) };
    expect(shrink(image, 2)).toEqual({ width: 2, height: 1, pixels: Buffer.from([100, 100, 100, 10, 10, 10]) });
    expect(shrink(image, 8)).toBe(image);
  });
});

/** A PNG with these filtered rows (each led by its filter byte), as another encoder would write it. */
function pngWithRows(width: number, height: number, colour: number, rows: number[]): Buffer {
  const chunkOf = (type: string, body: Buffer) => {
    const out = Buffer.alloc(12 + body.length);
    out.writeUInt32BE(body.length, 0);
    out.write(type, 4, 'latin1');
    body.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colour, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunkOf('IHDR', header), chunkOf('IDAT', deflateSync(Buffer.from(rows))), chunkOf('IEND', Buffer.alloc(0))]);
}

describe('screenshots: the PNG libvirt hands over', () => {
  it('reads back what encodePng wrote', () => {
    const pixels = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(decodePng(encodePng({ width: 2, height: 2, pixels }))).toEqual({ width: 2, height: 2, pixels });
  });

  it('undoes the sub, up, average and Paeth filters, and drops alpha', () => {
    // Two RGBA pixels a row: 10,20,30 and 40,50,60 on the first row; each later row adds 1 to every sample.
    const rows = [
      1, 10, 20, 30, 255, 30, 30, 30, 0, // sub: the second pixel is the first plus 30
      2, 1, 1, 1, 0, 1, 1, 1, 0, // up: the row above plus 1
      3, 7, 12, 17, 128, 29, 33, 37, 0, // average of left and up
      4, 1, 1, 1, 0, 1, 1, 1, 0, // Paeth
    ];
    const image = decodePng(pngWithRows(2, 4, 6, rows));
    expect(image.width).toBe(2);
    expect([...image.pixels.subarray(0, 6)]).toEqual([10, 20, 30, 40, 50, 60]);
    expect([...image.pixels.subarray(6, 12)]).toEqual([11, 21, 31, 41, 51, 61]);
    // average: first pixel (0 + up) / 2 + raw = 5 + 7, 10 + 12, 15 + 17; second: (left + up) / 2 + raw.
    expect([...image.pixels.subarray(12, 18)]).toEqual([12, 22, 32, 55, 69, 83]);
    // Paeth picks up for the first pixel (no left), then the closest of left, up and up-left.
    expect([...image.pixels.subarray(18, 21)]).toEqual([13, 23, 33]);
  });

  it('takes a PPM or a PNG as the screendump, and refuses what it cannot read', () => {
    const pixels = Buffer.from([9, 8, 7]);
    expect(readScreendump(encodePng({ width: 1, height: 1, pixels }))).toEqual({ width: 1, height: 1, pixels });
    expect(readScreendump(ppm('P6\n1 1\n255\n', [9, 8, 7]))).toEqual({ width: 1, height: 1, pixels });
    expect(() => decodePng(pngWithRows(1, 1, 6, [5, 0, 0, 0, 0]))).toThrow(/row 0 has filter type 5/);
    expect(() => decodePng(pngWithRows(1, 1, 3, [0, 0]))).toThrow(/colour type 3/);
    expect(() => decodePng(pngWithRows(2, 1, 2, [0, 1, 2, 3]))).toThrow(/4 of 7 bytes/);
  });
});

import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng, parsePpm, shrink } from './png.js';

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

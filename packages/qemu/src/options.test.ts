import { describe, expect, it } from 'vitest';
import { escapeOptionValue, jsonOption, keyValue, optionsToArgv } from './options.js';
import { parseKeyValue } from './testing/qemuSyntax.js';

const HOSTILE = [
  'a,b',
  'a,,b',
  'x,id=evil',
  'path=/etc/passwd',
  '=',
  ',',
  'line\nbreak,server=on',
  '-device',
  "'quoted' \"double\"",
  'with space',
  '{"driver":"x"}',
  '',
  'trailing,',
];

describe('keyValue', () => {
  it('writes constants plainly, booleans as on/off and numbers in decimal', () => {
    expect(keyValue([['id', 'charserial0'], ['server', true], ['wait', false], ['port', 5900]], 'socket')).toBe(
      'socket,id=charserial0,server=on,wait=off,port=5900',
    );
    expect(keyValue([['a', undefined], ['b', 'x']])).toBe('b=x');
  });

  it.each(HOSTILE)('keeps the user value %j as exactly one value', (value) => {
    const text = keyValue([['id', 'chr0'], ['path', value], ['logappend', true]], 'file');
    expect(parseKeyValue(text)).toEqual([
      ['', 'file'],
      ['id', 'chr0'],
      ['path', value],
      ['logappend', 'on'],
    ]);
  });

  it('refuses keys and implied values that are not plain tokens', () => {
    expect(() => keyValue([['a,b', 'x']])).toThrow(/not a plain QEMU token/);
    expect(() => keyValue([], 'pty,id=x')).toThrow(/not a plain QEMU token/);
    expect(() => keyValue([['n', Number.NaN]])).toThrow(/finite/);
  });

  it('doubles commas and nothing else', () => {
    expect(escapeOptionValue('a,b,,c=d')).toBe('a,,b,,,,c=d');
  });
});

describe('jsonOption', () => {
  it.each(HOSTILE)('round-trips the user value %j through JSON', (value) => {
    const text = jsonOption({ driver: 'virtio-blk-pci', serial: value, id: 'virtio-disk0', bootindex: undefined });
    expect(JSON.parse(text)).toEqual({ driver: 'virtio-blk-pci', serial: value, id: 'virtio-disk0' });
    expect(text.startsWith('{')).toBe(true);
  });
});

describe('jsonOption numbers', () => {
  it('writes 64-bit integers exactly and refuses non-finite numbers', () => {
    expect(jsonOption({ wwn: 0x5000c50015ea71acn, lun: 0, on: true, none: null, list: [1, 'a'] })).toBe(
      '{"wwn":5764824127192592812,"lun":0,"on":true,"none":null,"list":[1,"a"]}',
    );
    expect(() => jsonOption({ size: Number.POSITIVE_INFINITY })).toThrow(/finite/);
  });
});

describe('optionsToArgv', () => {
  it('puts each flag and each value in its own element', () => {
    expect(optionsToArgv([{ flag: '-S' }, { flag: '-name', value: '-device' }])).toEqual(['-S', '-name', '-device']);
  });
});

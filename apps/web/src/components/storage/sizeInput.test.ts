import { describe, expect, it } from 'vitest';
import { parseSize } from './sizeInput';

describe('parseSize', () => {
  it('reads whole and decimal sizes in binary units', () => {
    expect(parseSize('64', 'MiB')).toBe(64 * 1024 ** 2);
    expect(parseSize(' 2.5 ', 'GiB')).toBe(2.5 * 1024 ** 3);
  });

  it('says what is wrong with a size that is not one', () => {
    expect(parseSize('ten', 'GiB')).toBe("'ten' is not a size: give a number such as 10 or 2.5");
    expect(parseSize('-1', 'GiB')).toMatch(/not a size/);
    expect(parseSize('0', 'MiB')).toBe('The size must be above zero');
    expect(parseSize('99999999', 'TiB')).toBe('99999999 TiB is too large');
  });
});

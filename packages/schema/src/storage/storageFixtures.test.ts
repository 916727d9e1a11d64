import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePool, parseVolume, validatePool, validateVolume } from '../index.js';
import { describeGoldenFixtures } from '../testing/goldenFixtures.js';

/** Golden pool and volume definitions: fixtures/pools/ and fixtures/volumes/. */
const FIXTURES = new URL('../../fixtures/', import.meta.url);

describeGoldenFixtures('pools fixtures', new URL('pools/', FIXTURES), { validate: validatePool, parse: (text) => parsePool(text).document });
describeGoldenFixtures('volumes fixtures', new URL('volumes/', FIXTURES), { validate: validateVolume, parse: (text) => parseVolume(text).document });

describe('storage models', () => {
  it('reads sizes in bytes whatever the unit, and a volume backing store', () => {
    const { volume } = validateVolume(readFileSync(new URL('volumes/valid/overlay-dumpxml.xml', FIXTURES), 'utf8'));
    expect(volume?.capacity?.bytes).toBe(10737418240n);
    expect(volume?.target?.format).toBe('qcow2');
    expect(volume?.backingStore?.path).toBe('/var/lib/libvirt/images/base.qcow2');
    expect(validateVolume("<volume><name>a</name><capacity unit='MiB'>3</capacity><target/></volume>").volume?.capacity?.bytes).toBe(3n * 1048576n);
    expect(validatePool(readFileSync(new URL('pools/valid/default.xml', FIXTURES), 'utf8')).pool?.targetPath).toBe('/var/lib/virtdeck/images');
  });
});

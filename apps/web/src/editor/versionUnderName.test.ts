import { describe, expect, it } from 'vitest';
import { versionUnderName } from './versionUnderName';

const version = (name: string) => `<domain type='qemu'>
  <!-- kept -->
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <devices><disk type='file' device='disk'><source file='/images/${name}.qcow2'/><target dev='vda'/></disk></devices>
</domain>
`;

describe('versionUnderName', () => {
  it('gives a version kept before a rename the name the guest has now, changing only <name>', () => {
    expect(versionUnderName(version('old & gone'.replace('&', '&amp;')), 'now')).toEqual({
      text: version('now').replace('/images/now.qcow2', '/images/old &amp; gone.qcow2'),
      namedThen: 'old & gone',
    });
  });

  it('leaves a version of the same name, and a text that is no domain, as they are', () => {
    expect(versionUnderName(version('now'), 'now')).toEqual({ text: version('now') });
    expect(versionUnderName('<domain', 'now')).toEqual({ text: '<domain' });
  });
});

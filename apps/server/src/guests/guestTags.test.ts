import { parseDomain, validateDomain } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { readTags, tagProblem, withTags } from './guestTags.js';

const plain = `<domain type='qemu'>
  <name>web1</name>
  <title>Front end</title>
  <!-- kept -->
  <memory unit='MiB'>64</memory>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
  </os>
</domain>
`;

const tagsOf = (xml: string) => readTags(parseDomain(xml).domain ?? {});

describe('guest tags in <metadata> under virtdeck’s namespace', () => {
  it('adds a <metadata> after the title, touching nothing else, and reads the tags back', () => {
    const tagged = withTags(plain, ['web', 'prod']);
    expect(tagged).toBe(plain.replace('<title>Front end</title>\n', `<title>Front end</title>
  <metadata>
    <virtdeck:tags xmlns:virtdeck="https://virtdeck.dev/xmlns/tags/1">
      <virtdeck:tag>web</virtdeck:tag>
      <virtdeck:tag>prod</virtdeck:tag>
    </virtdeck:tags>
  </metadata>
`));
    expect(validateDomain(tagged).valid).toBe(true);
    expect(tagsOf(tagged)).toEqual(['web', 'prod']);
  });

  it('replaces its own element, keeps other applications’ metadata, and removes only what it added', () => {
    const other = plain.replace('<!-- kept -->', `<metadata>
    <app:info xmlns:app="http://example.org/app">x</app:info>
  </metadata>`);
    const tagged = withTags(other, ['a']);
    expect(tagged).toContain('<app:info xmlns:app="http://example.org/app">x</app:info>\n    <virtdeck:tags');
    const retagged = withTags(tagged, ['b', 'c']);
    expect(tagsOf(retagged)).toEqual(['b', 'c']);
    expect(withTags(retagged, [])).toBe(other);
    expect(withTags(withTags(plain, ['x']), [])).toBe(plain);
  });

  it('reads the namespace whatever prefix another tool gave it, and ignores look-alikes of other namespaces', () => {
    const foreign = plain.replace('<!-- kept -->', `<metadata>
    <vd:tags xmlns:vd="https://virtdeck.dev/xmlns/tags/1"><vd:tag>db</vd:tag><vd:tag>db</vd:tag></vd:tags>
    <tags xmlns="http://example.org/other"><tag>no</tag></tags>
  </metadata>`);
    expect(tagsOf(foreign)).toEqual(['db']);
    expect(tagsOf(withTags(foreign, ['db', 'eu']))).toEqual(['db', 'eu']);
    expect(withTags(foreign, ['db', 'eu'])).toContain('<tag>no</tag>');
  });

  it('refuses tags that are empty, too long or hold other characters, saying which', () => {
    expect(tagProblem('web-1.a_b')).toBeUndefined();
    expect(tagProblem('')).toMatch(/empty/);
    expect(tagProblem('x'.repeat(33))).toMatch(/longer than 32/);
    expect(tagProblem('a<b')).toMatch(/'a<b' may hold only/);
    expect(() => withTags(plain, ['ok', '-x'])).toThrow(/Invalid tags: the tag '-x'/);
    expect(() => withTags(plain, Array.from({ length: 33 }, (_, i) => `t${i}`))).toThrow(/at most 32/);
  });
});

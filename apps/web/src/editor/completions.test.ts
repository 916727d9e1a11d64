import { parseXml } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { completionsAt, hoverAt } from './completions';

/** The document with the cursor where `|` is. */
function at(textWithCursor: string) {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.replace('|', '');
  return { document: parseXml(text).document, offset };
}

describe('completions', () => {
  it('offers child elements with their closing tag, and takes the auto-closed ">" into the replacement', () => {
    const { document, offset } = at("<domain type='qemu'>\n  <name>x</name>\n  <|>\n</domain>\n");
    const vcpu = completionsAt(document, offset).find((c) => c.label === 'vcpu');
    expect(vcpu).toMatchObject({ kind: 'element', insertText: 'vcpu$1>$0</vcpu>', snippet: true });
    expect(vcpu!.detail).toBeTruthy();
    expect(vcpu!.range.start.offset).toBe(offset);
    expect(vcpu!.range.end.offset).toBe(offset + 1);
    // <name> is there already and may appear once.
    expect(completionsAt(document, offset).some((c) => c.label === 'name')).toBe(false);
  });

  it('offers attributes that are not on the tag yet, then re-opens the list for the value', () => {
    const { document, offset } = at("<domain type='qemu'>\n  <vcpu |>1</vcpu>\n</domain>\n");
    const entries = completionsAt(document, offset);
    const placement = entries.find((c) => c.label === 'placement');
    expect(placement).toMatchObject({ kind: 'attribute', insertText: "placement='$1'$0", retrigger: true });
  });

  it('offers the allowed values of an attribute with one line each', () => {
    const { document, offset } = at("<domain type='|'>\n</domain>\n");
    const labels = completionsAt(document, offset).map((c) => c.label);
    expect(labels).toEqual(expect.arrayContaining(['kvm', 'qemu']));
    expect(completionsAt(document, offset).every((c) => c.kind === 'value' && c.detail)).toBe(true);
  });

  it('offers nothing inside a comment', () => {
    const { document, offset } = at("<domain type='qemu'>\n  <!-- a | note -->\n</domain>\n");
    expect(completionsAt(document, offset)).toEqual([]);
  });
});

describe('hover', () => {
  it('describes the element under the cursor', () => {
    const { document, offset } = at("<domain type='qemu'>\n  <vc|pu>1</vcpu>\n</domain>\n");
    expect(hoverAt(document, offset)?.markdown).toContain('<vcpu>');
  });
});

import { parseXml } from '@virtdeck/schema';
import { describe, expect, it } from 'vitest';
import { completionsAt, hoverAt } from './completions';

/** The schema package's valid definitions, by file name. */
const fixtures: Record<string, string> = Object.fromEntries(
  Object.entries(import.meta.glob<string>('../../../../packages/schema/fixtures/valid/*.xml', { query: '?raw', import: 'default', eager: true })).map(([file, text]) => [file.slice(file.lastIndexOf('/') + 1), text]),
);
const fixture = (file: string): string => {
  const text = fixtures[file];
  if (text === undefined) throw new Error(`no fixture ${file}`);
  return text;
};

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

describe('completion ranges Monaco accepts', () => {
  // Monaco drops (and logs "[suggest] did IGNORE invalid completion item" for) an entry with
  // an empty label or a range that spans lines or starts on another line than the cursor.
  const files = Object.keys(fixtures);

  function problemsAt(text: string, offset: number, document = parseXml(text).document): string[] {
    const line = document.lines.position(offset).line;
    return completionsAt(document, offset).flatMap((entry) => {
      const where = `offset ${offset} (${JSON.stringify(text.slice(Math.max(0, offset - 20), offset))}|${JSON.stringify(text.slice(offset, offset + 10))})`;
      if (entry.label === '') return [`${where}: an entry without a label`];
      if (entry.range.start.line !== line || entry.range.end.line !== line) return [`${where}: '${entry.label}' replaces lines ${entry.range.start.line}-${entry.range.end.line}, cursor on ${line}`];
      return [];
    });
  }

  it.each(files)('at every offset of %s', (file) => {
    const text = fixture(file);
    const problems: string[] = [];
    const document = parseXml(text).document;
    for (let offset = 0; offset <= text.length; offset++) problems.push(...problemsAt(text, offset, document));
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('while a definition is typed character by character', () => {
    const text = fixture('demo-guest.xml');
    const problems: string[] = [];
    for (let end = 1; end <= text.length; end++) problems.push(...problemsAt(text.slice(0, end), end));
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('while something is typed in the middle of a definition', () => {
    const text = fixture('demo-guest.xml');
    const typed = ['<', '<d', '<disk ', "<disk type='", "<disk type='f", '<disk>', '</', ' ', ' t', " type='", '>', "'", '"'];
    const problems: string[] = [];
    for (const [offset] of [...text.matchAll(/\n/g)].map((m) => [m.index] as const).concat([...text.matchAll(/[ >'"]/g)].map((m) => [m.index + 1] as const)))
      for (const insert of typed) {
        const edited = text.slice(0, offset) + insert + text.slice(offset);
        problems.push(...problemsAt(edited, offset + insert.length));
      }
    expect(problems.slice(0, 10)).toEqual([]);
    // Thousands of completions (1.8 s alone): vitest's 5 s default ran out on a loaded machine.
  }, 60_000);

  it("inserts a value at the cursor while its quote is open, keeping the rest of the line", () => {
    // The value the parser sees runs on to the quote on line 3.
    const { document, offset } = at("<domain type='|>\n  <name>x</name>\n  <memory unit='MiB'>512</memory>\n</domain>\n");
    const kvm = completionsAt(document, offset).find((c) => c.label === 'kvm');
    expect(kvm?.range.start.offset).toBe(offset);
    expect(kvm?.range.end.offset).toBe(offset);
  });
});

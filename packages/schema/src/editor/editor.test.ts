import { describe, expect, it } from 'vitest';
import { describeAt, parseXml, schemaAt } from '../index.js';
import { markdownProse } from './describeAt.js';

/** The context at the `|` in the text (which is removed). */
function at(textWithCursor: string) {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  return schemaAt(parseXml(text).document, offset);
}

function hover(textWithCursor: string) {
  const offset = textWithCursor.indexOf('|');
  const text = textWithCursor.slice(0, offset) + textWithCursor.slice(offset + 1);
  return describeAt(parseXml(text).document, offset);
}

const names = (items: { name: string }[]) => items.map((i) => i.name);

describe('schemaAt', () => {
  it('offers <domain> in an empty document', () => {
    const context = at('|');
    expect(context.kind).toBe('element');
    expect(names(context.elements)).toEqual(['domain']);
  });

  it('offers the children of <domain>, required first-class, without those already present', () => {
    const context = at("<domain type='qemu'>\n  <name>g</name>\n  <|\n</domain>");
    expect(context.kind).toBe('element');
    expect(context.path).toEqual(['domain']);
    expect(names(context.elements)).toEqual(expect.arrayContaining(['memory', 'vcpu', 'os', 'devices', 'features', 'clock']));
    expect(names(context.elements)).not.toContain('name');
    expect(context.elements.find((e) => e.name === 'os')).toMatchObject({ required: true, doc: expect.stringContaining('boots') });
  });

  it('completes a partial element name in a document being typed', () => {
    const context = at("<domain type='qemu'>\n  <devices>\n    <di|");
    expect(context.kind).toBe('element');
    expect(context.path).toEqual(['domain', 'devices']);
    expect(context.prefix).toBe('di');
    expect(names(context.elements)).toContain('disk');
    expect(context.replaceRange.start).toMatchObject({ line: 3, column: 6 });
  });

  it('offers attribute names not yet on the tag', () => {
    const context = at("<domain type='qemu'><devices><disk type='file' |");
    expect(context.kind).toBe('attribute-name');
    expect(context.element?.name).toBe('disk');
    expect(names(context.attributes)).toEqual(expect.arrayContaining(['device', 'model']));
    expect(names(context.attributes)).not.toContain('type');
  });

  it('offers enum values with descriptions inside the quotes', () => {
    const context = at("<domain type='qemu'><devices><disk type='f|'/></devices></domain>");
    expect(context.kind).toBe('attribute-value');
    expect(context.attribute?.name).toBe('type');
    expect(context.prefix).toBe('f');
    expect(context.values).toEqual(expect.arrayContaining([{ name: 'file', doc: 'an image file on the host' }]));
  });

  it('follows type-dependent choices: a network disk source needs a protocol', () => {
    const context = at("<domain type='qemu'><devices><disk type='network'><source |");
    expect(names(context.attributes)).toContain('protocol');
    expect(context.attributes.find((a) => a.name === 'protocol')?.required).toBe(true);
    expect(names(at("<domain type='qemu'><devices><interface type='network'><source |").attributes)).toEqual(
      expect.arrayContaining(['network', 'portgroup']),
    );
  });

  it('offers the values of text content', () => {
    const context = at("<domain type='qemu'><on_poweroff>|</on_poweroff></domain>");
    expect(context.kind).toBe('text');
    expect(names(context.values)).toEqual(['destroy', 'restart', 'preserve', 'rename-restart']);
    expect(at("<domain type='qemu'><os><kernel>/bo|</kernel></os></domain>")).toMatchObject({ kind: 'text', valueType: 'an absolute path', prefix: '/bo' });
  });

  it('offers the QEMU namespace elements under the prefix the document binds', () => {
    const context = at("<domain type='qemu' xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'>\n  <|");
    expect(names(context.elements)).toContain('q:commandline');
    expect(names(at("<domain type='qemu' xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'><q:commandline><|").elements)).toEqual(['q:arg', 'q:env']);
  });

  it('has nothing to offer inside a comment or unknown content', () => {
    expect(at("<domain type='qemu'><!-- a <dev| --></domain>").kind).toBe('none');
    expect(at("<domain type='qemu'><metadata><my:x xmlns:my='urn:x'>|</my:x></metadata></domain>").kind).toBe('none');
  });
});

describe('describeAt', () => {
  const doc = "<domain type='qemu'>\n  <on_crash>destroy</on_crash>\n  <devices>\n    <disk type='file'>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n  </devices>\n</domain>";
  const place = (needle: string, delta = 1) => doc.slice(0, doc.indexOf(needle) + delta) + '|' + doc.slice(doc.indexOf(needle) + delta);

  it('describes an element by its name', () => {
    const result = hover(place('disk type'));
    expect(result?.markdown).toContain('**`<disk>`** — a disk, CD-ROM, floppy or SCSI LUN');
    expect(result?.markdown).toContain('`<target>`');
    expect(result?.range.start).toMatchObject({ line: 4, column: 6 });
  });

  it('describes an attribute with its allowed values, and a value', () => {
    expect(hover(place("bus='"))?.markdown).toMatch(/^\*\*bus\*\* \(attribute of `<target>`\)[^]*- `virtio` — virtio-blk/);
    expect(hover(place("virtio'", 2))?.markdown).toBe('**virtio** — virtio-blk: the fastest paravirtual disk');
    expect(hover(place("vda'", 1))?.markdown).toBe('a guest disk name such as vda, sda, hdc, fda');
  });

  it('describes a text value', () => {
    expect(hover(place('destroy', 3))?.markdown).toBe('**destroy** — stop the guest and free its resources');
  });

  it('keeps element names in the Markdown a renderer would take for HTML, and other markup literal', () => {
    const legacy = "<domain type='qemu'>\n  <memory>1</memory>\n  <os>\n    <type>kvm</type>\n  </os>\n</domain>";
    const at = (needle: string, delta: number) => describeAt(parseXml(legacy).document, legacy.indexOf(needle) + delta)?.markdown;
    expect(at('memory>1', 1)).toMatch(/^\*\*`<memory>`\*\* — /);
    expect(at('kvm<', 1)).toBe('**kvm** — historical spelling of the accelerator: write `<domain type="kvm">` and hvm here');
    expect(markdownProse('letters, digits, _ + - and <a> or 2*3')).toBe('letters, digits, \\_ + - and `<a>` or 2\\*3');
  });

  it('says nothing outside names and values', () => {
    expect(hover(place('  <devices>', 0))).toBeUndefined();
  });
});

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * libvirt's own test data (../shared/conformance beside the checkout, or where
 * VIRTDECK_CONFORMANCE_DIR says, as packages/qemu/src/testing/conformance.ts reads it), never
 * copied into the repository; absent on a user's clone.
 */
const dir = process.env.VIRTDECK_CONFORMANCE_DIR ?? fileURLToPath(new URL('../../../../../shared/conformance/libvirt-11.3', import.meta.url));
export const CONFORMANCE_DIR = dir.endsWith('/') ? dir : `${dir}/`;
export const HAVE_CONFORMANCE = existsSync(CONFORMANCE_DIR);
export const SKIP_REASON = `libvirt conformance data not found at ${CONFORMANCE_DIR}: conformance tests skipped`;

export interface CorpusFile {
  name: string;
  path: string;
  text: string;
}

export function corpusFiles(subdir: string): CorpusFile[] {
  if (!HAVE_CONFORMANCE) return [];
  const dir = CONFORMANCE_DIR + subdir;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => ({ name, path: dir + '/' + name, text: readFileSync(dir + '/' + name, 'utf8') }));
}

export interface InvalidNote {
  kind: 'schema' | 'semantic';
  file: string;
  whySchema: string;
  libvirtOutcome: string;
  /** the line and element of the first "FILE:LINE: element NAME" in the schema validator's message */
  line?: number;
  element?: string;
}

export function invalidNotes(): InvalidNote[] {
  if (!HAVE_CONFORMANCE) return [];
  const rows = readFileSync(CONFORMANCE_DIR + 'invalid/NOTES.tsv', 'utf8').trim().split('\n').slice(1);
  return rows.map((row) => {
    const [kind, file, , whySchema, libvirtOutcome] = row.split('\t') as [string, string, string, string, string];
    const note: InvalidNote = { kind: kind as InvalidNote['kind'], file, whySchema, libvirtOutcome };
    const where = /\.xml:(\d+): element (\S+):/.exec(whySchema);
    if (where !== null) {
      note.line = Number(where[1]);
      note.element = where[2] as string;
    }
    return note;
  });
}

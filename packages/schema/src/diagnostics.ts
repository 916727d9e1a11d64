/** Positions: line and column from 1 (column counts UTF-16 code units), offset from 0. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * Whose problem a diagnostic is. `document`: what libvirt itself would reject (its RelaxNG
 * schema and its parser's checks); only these make a definition invalid and block define.
 * `host`: what keeps a valid definition from starting here (this QEMU, missing files, what
 * virtdeck's runtime lacks); warnings while editing, errors only when a start is asked for.
 */
export const DIAGNOSTIC_SCOPES = {
  document: 'libvirt would reject the definition',
  host: 'the definition cannot start on this host',
} as const;
export type DiagnosticScope = keyof typeof DIAGNOSTIC_SCOPES;

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
}

export interface Diagnostic {
  severity: Severity;
  scope: DiagnosticScope;
  code: DiagnosticCode;
  message: string;
  range: Range;
  /** canonical form, "did you mean", allowed values */
  fixes?: QuickFix[];
}

/**
 * Every diagnostic code the package emits, with what it means. A closed set so that the
 * server, the editor and tests can rely on the codes.
 */
export const DIAGNOSTIC_CODES = {
  'document-too-large': 'the text exceeds the size this validator accepts',
  'empty-document': 'there is no XML element at all',
  'xml-not-well-formed': 'the text is not well-formed XML',
  'xml-doctype': 'DOCTYPE and entity declarations are not accepted in a domain definition',
  'xml-undefined-entity': 'an entity reference other than the five predefined ones or a character reference',
  'xml-nesting-too-deep': 'elements nested deeper than the validator follows',
  'xml-multiple-roots': 'more than one top-level element',
  'unknown-element': 'an element the schema does not allow at this place',
  'unknown-attribute': 'an attribute the schema does not allow on this element',
  'missing-element': 'a required child element is absent',
  'missing-attribute': 'a required attribute is absent',
  'too-many-elements': 'an element appears more often than allowed',
  'unexpected-text': 'text inside an element that only holds elements',
  'invalid-value': 'a value outside the allowed set or of the wrong type',
  'conflicting-attributes': 'attributes or elements that cannot be used together',
  'wrong-root': 'the top-level element is not the one the document kind has (<domain>, <network>, <pool>, <volume>)',
  'legacy-accelerator-spelling': 'the accelerator is written in a historical spelling',
  'unsupported-accelerator': 'an accelerator QEMU no longer provides',
  'memory-missing': 'no memory size is given',
  'memory-current-exceeds-max': 'currentMemory is larger than memory',
  'memory-max-too-small': 'maxMemory is smaller than memory',
  'vcpu-current-exceeds-max': 'more current vCPUs than the maximum',
  'vcpu-topology-mismatch': 'the CPU topology does not multiply to the vCPU count',
  'numa-cells-invalid': 'NUMA cells are not numbered 0..N-1 or do not cover the vCPUs',
  'duplicate-disk-target': 'two disks with the same target device name',
  'invalid-disk-target': 'a disk target name that cannot be turned into an index',
  'address-conflict': 'two devices at the same address',
  'duplicate-controller': 'two controllers of one type with the same index',
  'controller-invalid': 'a controller that does not fit the machine',
  'boot-order-conflict': 'os/boot and per-device boot order used together, or a duplicate order',
  'console-needs-serial': 'a serial console without a serial port to sit on',
  'duplicate-hostdev': 'the same host device assigned twice',
  'video-multiple-primary': 'more than one primary video device',
  'sysinfo-uuid-mismatch': 'the SMBIOS system UUID differs from the domain UUID',
  'cputune-overlap': 'cputune groups that name the same vCPU twice',
  'resctrl-conflict': 'cachetune/memorytune allocations that collide',
  'duplicate-name': 'a name that must be unique appears twice',
  'invalid-combination': 'a combination of settings libvirt refuses',
  'host-passthrough': 'options and programs that reach the host unchecked (qemu:arg, qemu:env, an ethernet interface\'s script)',
  'running-guest-state': 'what libvirt writes only for a running guest (id, its aliases, live labels, ptys, tap names, autoport ports), ignored on define',
  'too-many-diagnostics': 'stands for the diagnostics past the per-document limit, which are not listed',
} as const;
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Document order, errors first at the same place. In place. */
export function sortDiagnostics(diagnostics: Diagnostic[]): void {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset || rank[a.severity] - rank[b.severity]);
}

/** Diagnostics listed per document; a hostile text can have one per attribute, hundreds of thousands. */
export const MAX_DIAGNOSTICS = 1000;

/**
 * Keeps the first `MAX_DIAGNOSTICS` (in the order given) and replaces the rest by one that says
 * how many more there are, as severe as the worst of them: whether a document has errors does
 * not change. In place.
 */
export function capDiagnostics<T extends Omit<Diagnostic, 'code'> & { code: string }>(diagnostics: (T | Diagnostic)[]): void {
  if (diagnostics.length <= MAX_DIAGNOSTICS) return;
  const dropped = diagnostics.splice(MAX_DIAGNOSTICS);
  const first = dropped[0] as T | Diagnostic;
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const severity = dropped.reduce<Severity>((worst, d) => (rank[d.severity] < rank[worst] ? d.severity : worst), 'info');
  // Counted as a document problem when any dropped one is, so the verdict stays the same.
  const scope = dropped.some((d) => d.severity === 'error' && d.scope === 'document') ? 'document' : first.scope;
  diagnostics.push({
    severity,
    scope,
    code: 'too-many-diagnostics',
    message: `…and ${dropped.length.toLocaleString('en-US')} more problems from here on; fix the ones listed to see the rest.`,
    range: first.range,
  });
}

/** A definition is valid when no document diagnostic is an error; host errors only stop a start. */
export function isValidDocument(diagnostics: readonly Pick<Diagnostic, 'severity' | 'scope'>[]): boolean {
  return !diagnostics.some((d) => d.severity === 'error' && d.scope === 'document');
}

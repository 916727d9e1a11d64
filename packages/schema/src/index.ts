/**
 * @virtdeck/schema — libvirt domain XML for the QEMU driver: a lossless, position-keeping
 * parser, the typed domain model, validation (structure and semantics) with precise ranges
 * and quick fixes, minimal text edits, and schema metadata for the editor.
 *
 * Pure and browser-safe (runs in a web worker). Nothing here throws on user input.
 *
 * Positions: line and column from 1 (column counts UTF-16 code units), offset from 0.
 *
 * Parsing
 *   parseXml(text): { document, diagnostics }            the lossless tree; well-formedness only
 *   parseDomain(text): { document, domain?, diagnostics } tree + typed model
 *
 * The model (`Domain`): every object carries `node: XmlElement` (positions, and anything
 * not typed). Sizes are in KiB whatever unit the XML used (`memory.kib`, `…KiB` fields);
 * numbers are parsed (hex PCI addresses too); yes/no and on/off are booleans; enum fields
 * are string-literal unions of the `as const` tables exported below; device lists are always
 * present (empty when absent). `domain.type` is the effective accelerator whatever spelling
 * was used; `domain.typeSpelling` says which.
 */
export type { Diagnostic, DiagnosticCode, Position, QuickFix, Range, Severity, TextEdit } from './diagnostics.js';
export { DIAGNOSTIC_CODES, SEVERITIES, hasErrors } from './diagnostics.js';

export type {
  XmlAttribute,
  XmlCData,
  XmlComment,
  XmlDoctype,
  XmlDocument,
  XmlElement,
  XmlNode,
  XmlProcessingInstruction,
  XmlText,
} from './xml/tree.js';
export { attributeValue, childElements, elementAt, firstChild, getAttribute, textContent, walkElements } from './xml/tree.js';
export { MAX_DOCUMENT_LENGTH, MAX_ELEMENT_DEPTH, parseXml, type ParseXmlResult } from './xml/parseXml.js';
export { formatXml } from './xml/formatXml.js';

export { parseDomain, type ParseDomainResult } from './parseDomain.js';

export {
  ACCELERATORS,
  ACCELERATOR_SPELLINGS,
  HISTORICAL_ACCELERATORS,
  readAccelerator,
  type Accelerator,
  type AcceleratorSpelling,
  type Domain,
} from './model/domain.js';
export type { Devices } from './model/devices.js';
export * from './model/address.js';
export * from './model/os.js';
export * from './model/memory.js';
export * from './model/cpu.js';
export * from './model/features.js';
export * from './model/clock.js';
export * from './model/sysinfo.js';
export * from './model/security.js';
export * from './model/lifecycle.js';
export { QEMU_NAMESPACE, type QemuCommandline } from './model/qemuNamespace.js';
export { SIZE_UNITS, toKiB, unitMultiplier, type SizeUnit } from './model/units.js';
export { parseCpuset } from './model/cpuset.js';
export { BOOLEAN_WORDS, type EnumTable } from './model/values.js';
export * from './model/devices/disk.js';
export * from './model/devices/controller.js';
export * from './model/devices/interface.js';
export * from './model/devices/input.js';
export * from './model/devices/graphics.js';
export * from './model/devices/video.js';
export * from './model/devices/chardev.js';
export * from './model/devices/sound.js';
export * from './model/devices/watchdog.js';
export * from './model/devices/rng.js';
export * from './model/devices/memballoon.js';
export * from './model/devices/hostdev.js';
export * from './model/devices/redirdev.js';
export * from './model/devices/smartcard.js';
export * from './model/devices/tpm.js';
export * from './model/devices/panic.js';
export * from './model/devices/shmem.js';
export * from './model/devices/memoryDevice.js';
export * from './model/devices/iommu.js';
export * from './model/devices/vsock.js';
export * from './model/devices/hub.js';
export * from './model/devices/filesystem.js';

export { validateDomain, type ValidateDomainResult } from './validate/validateDomain.js';
export { setAccelerator } from './edit/setAccelerator.js';
export { applyEdits, insertChildEdit, removeElementEdit, setAttributeEdit, setTextEdit, type InsertChildOptions } from './edit/edits.js';

export { schemaAt, SCHEMA_CONTEXT_KINDS, type SchemaContext, type SchemaContextKind, type SchemaItem } from './editor/schemaAt.js';
export { describeAt, type Hover } from './editor/describeAt.js';

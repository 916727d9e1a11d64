import type { Diagnostic, DiagnosticCode, QuickFix, Range, Severity } from '../../diagnostics.js';
import { getAttribute, type XmlElement } from '../../xml/tree.js';

/** Collects diagnostics of the semantic checks: libvirt's parser's, so all of them are about the document. */
export class Reporter {
  constructor(readonly out: Diagnostic[]) {}

  add(severity: Severity, code: DiagnosticCode, message: string, range: Range, fixes?: QuickFix[]): void {
    const diagnostic: Diagnostic = { severity, scope: 'document', code, message, range };
    if (fixes !== undefined && fixes.length > 0) diagnostic.fixes = fixes;
    this.out.push(diagnostic);
  }

  error(code: DiagnosticCode, message: string, range: Range, fixes?: QuickFix[]): void {
    this.add('error', code, message, range, fixes);
  }

  warning(code: DiagnosticCode, message: string, range: Range, fixes?: QuickFix[]): void {
    this.add('warning', code, message, range, fixes);
  }
}

/** The value range of an attribute, or the element name when the attribute is absent. */
export function attributeRange(element: XmlElement, name: string): Range {
  return getAttribute(element, name)?.valueRange ?? element.nameRange;
}

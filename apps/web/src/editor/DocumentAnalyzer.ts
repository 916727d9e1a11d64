import { findEmulator } from '@virtdeck/qemu';
import { validateDomain, type Diagnostic, type TextEdit, type ValidateDomainResult } from '@virtdeck/schema';
import type { HostInfo } from '../api/types';
import type { DomainForm, FormChange } from './domainForm';
import { formEdits } from './formEdits';
import { minimalReplacement, prettyXml } from './prettyXml';
import type { CommandLinePreview, CompletionEntry, EmulatorChoices, HoverResult } from './protocol';
import { readDomainForm } from './readDomainForm';
import { previewCommandLine } from './previewCommandLine';
import { completionsAt, hoverAt } from './completions';

/**
 * Everything the editor asks about one text, computed lazily and cached per version: the
 * worker runs it, the unit tests call it directly. Pure: no I/O, no timers.
 */
export class DocumentAnalyzer {
  private text = '';
  private currentVersion = 0;
  private host: HostInfo | null = null;
  private validated?: { version: number; result: ValidateDomainResult; elapsedMs: number };
  private lastCommandLine?: CommandLinePreview;

  get version(): number {
    return this.currentVersion;
  }

  setText(version: number, text: string): void {
    this.currentVersion = version;
    this.text = text;
  }

  setHost(host: HostInfo | null): void {
    this.host = host;
  }

  /** Parse and validate (once per version). */
  validation(): { result: ValidateDomainResult; elapsedMs: number } {
    if (this.validated?.version !== this.currentVersion) {
      const started = performance.now();
      const result = validateDomain(this.text);
      this.validated = { version: this.currentVersion, result, elapsedMs: performance.now() - started };
    }
    return this.validated;
  }

  diagnostics(): Diagnostic[] {
    return this.validation().result.diagnostics;
  }

  form(): DomainForm | null {
    const { domain } = this.validation().result;
    return domain ? readDomainForm(domain) : null;
  }

  /**
   * The command line on this host. While the text does not parse (an end tag missing as one
   * types), the last one of a text that did, marked stale: the tree past the fault is a guess.
   */
  commandLine(): CommandLinePreview | { error: string } | null {
    const { domain, document } = this.validation().result;
    if (!this.host) return null;
    if (document.brokenAt !== undefined) return this.lastCommandLine === undefined ? null : { ...this.lastCommandLine, stale: true };
    if (!domain) return null;
    const preview = previewCommandLine(domain, this.host);
    if ('error' in preview) return preview;
    if (!this.validation().result.valid) return { ...preview, diagnostics: [], invalid: true };
    this.lastCommandLine = preview;
    return preview;
  }

  /** The host's emulator for this definition (its <emulator>, else the one for its architecture). */
  emulator(): EmulatorChoices | null {
    const { domain } = this.validation().result;
    if (!this.host) return null;
    const request: { path?: string; arch?: string } = {};
    if (domain?.devices.emulator !== undefined) request.path = domain.devices.emulator;
    if (domain?.os.arch !== undefined) request.arch = domain.os.arch;
    return findEmulator(this.host, request) ?? null;
  }

  complete(offset: number): CompletionEntry[] {
    return completionsAt(this.validation().result.document, offset);
  }

  hover(offset: number): HoverResult | null {
    return hoverAt(this.validation().result.document, offset) ?? null;
  }

  /** Edits that format the document; none when it is not well-formed (formatting would guess). */
  format(): TextEdit[] {
    const { document, diagnostics } = this.validation().result;
    if (diagnostics.some((d) => d.code.startsWith('xml-'))) return [];
    const change = minimalReplacement(this.text, prettyXml(document));
    return change ? [{ range: document.lines.range(change.start, change.end), newText: change.text }] : [];
  }

  formEdit(change: FormChange): TextEdit[] {
    const { document, domain } = this.validation().result;
    return formEdits(document, domain, change);
  }
}

/**
 * Messages between the editor (main thread) and the schema worker. The worker holds the
 * newest text; every answer carries the model version it was computed for, so the editor
 * drops whatever a later keystroke has made stale.
 */
import type { Diagnostic, Range, TextEdit } from '@virtdeck/schema';
import type { EmulatorCapabilities, QemuDiagnostic } from '@virtdeck/qemu';
import type { CommandLineBuilder, HostInfo } from '../api/types';
import type { DomainForm, FormChange } from './domainForm';

export interface CompletionEntry {
  /** What the list shows (`vcpu`, `placement`, `static`). */
  label: string;
  kind: 'element' | 'attribute' | 'value';
  /** Text that replaces `range`; may hold `$0`-style snippet stops when `snippet` is set. */
  insertText: string;
  snippet: boolean;
  /** One line of documentation. */
  detail?: string;
  /** The text the completion replaces (the partial word at the cursor). */
  range: Range;
  sortText?: string;
  /** Open the completion list again after inserting (an attribute's value list). */
  retrigger?: boolean;
}

export interface HoverResult {
  range: Range;
  markdown: string;
}

export interface CommandLinePreview {
  argv: string[];
  line: string;
  /** Host checks buildArgv made (an unusable accelerator, a machine this QEMU lacks); codes are the schema's and @virtdeck/qemu's. */
  diagnostics: QemuDiagnostic[];
  /** The text does not parse now: this is the command line of the last text that did. */
  stale?: boolean;
  /**
   * The definition has document errors: the host's notes wait until it is valid, as the
   * server's answers do (they would repeat the document's problems in the host's words).
   */
  invalid?: boolean;
  /** Who made it, when the server did (a libvirt host's: libvirt's domxml-to-native, or virtdeck's builder with `note` saying why). */
  builtBy?: CommandLineBuilder;
  note?: string;
}

/** The two schema workers: checks (diagnostics, form, requests) and preview (command line). */
export type WorkerRole = 'checks' | 'preview';

/** What the form's machine and CPU pickers offer: the emulator the definition runs on. */
export type EmulatorChoices = Pick<EmulatorCapabilities, 'path' | 'machines' | 'cpuModels'>;

export type WorkerRequest =
  | { kind: 'complete'; offset: number }
  | { kind: 'hover'; offset: number }
  | { kind: 'format' }
  | { kind: 'form-edit'; change: FormChange };

export interface WorkerResults {
  complete: CompletionEntry[];
  hover: HoverResult | null;
  /** Edits that turn the document into its formatted form (empty: already formatted). */
  format: TextEdit[];
  'form-edit': TextEdit[];
}

export type ToWorker =
  | { type: 'update'; version: number; text: string }
  | { type: 'host'; host: HostInfo | null }
  | { type: 'request'; id: number; version: number; request: WorkerRequest };

export type FromWorker =
  | {
      type: 'diagnostics';
      version: number;
      diagnostics: Diagnostic[];
      /** Time spent parsing and validating, for the benchmark and the status line. */
      elapsedMs: number;
    }
  | {
      type: 'derived';
      version: number;
      /** The form's view of the definition; absent when the text is too broken to read. */
      form: DomainForm | null;
      /** Sent only when it changes (another emulator or architecture, the host loaded): absent means as before. */
      emulator?: EmulatorChoices | null;
    }
  | { type: 'command-line'; version: number; commandLine: CommandLinePreview | { error: string } | null }
  | { type: 'response'; id: number; version: number; ok: true; result: WorkerResults[WorkerRequest['kind']] }
  | { type: 'response'; id: number; version: number; ok: false; stale: boolean; error: string };

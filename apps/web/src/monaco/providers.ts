import type { languages } from 'monaco-editor/editor/editor.api';
import { sessionFor } from '../editor/EditorSession';
import type { CompletionEntry } from '../editor/protocol';
import { markerMatches, toMonacoRange, toWorkspaceEdits } from './convert';
import type { Monaco } from './setup';

let registered = false;

/**
 * Completions, hover, quick fixes and formatting for every virtdeck editor. Monaco's
 * providers are per language, so one registration serves all models and looks up the
 * session (and its worker) behind each.
 */
export function registerDomainLanguageFeatures(monaco: Monaco): void {
  if (registered) return;
  registered = true;

  const completionKind = (kind: CompletionEntry['kind']): languages.CompletionItemKind => {
    switch (kind) {
      case 'element':
        return monaco.languages.CompletionItemKind.Module;
      case 'attribute':
        return monaco.languages.CompletionItemKind.Property;
      case 'value':
        return monaco.languages.CompletionItemKind.EnumMember;
      default: {
        const unreachable: never = kind;
        return unreachable;
      }
    }
  };

  monaco.languages.registerCompletionItemProvider('xml', {
    triggerCharacters: ['<', ' ', '"', "'", '/'],
    async provideCompletionItems(model, position) {
      const session = sessionFor(model);
      if (!session) return undefined;
      const entries = await session.complete(model.getOffsetAt(position));
      return {
        suggestions: entries.map((entry) => ({
          label: entry.label,
          kind: completionKind(entry.kind),
          insertText: entry.insertText,
          insertTextRules: entry.snippet ? monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet : undefined,
          detail: entry.detail,
          documentation: entry.detail,
          range: toMonacoRange(entry.range),
          sortText: entry.sortText,
          command: entry.retrigger ? { id: 'editor.action.triggerSuggest', title: 'Suggest values' } : undefined,
        })),
      };
    },
  });

  monaco.languages.registerHoverProvider('xml', {
    async provideHover(model, position) {
      const session = sessionFor(model);
      if (!session) return undefined;
      const hover = await session.hover(model.getOffsetAt(position));
      return hover ? { range: toMonacoRange(hover.range), contents: [{ value: hover.markdown }] } : undefined;
    },
  });

  monaco.languages.registerCodeActionProvider(
    'xml',
    {
      provideCodeActions(model, _range, context) {
        const session = sessionFor(model);
        if (!session?.current) return undefined;
        const versionId = model.getVersionId();
        const actions: languages.CodeAction[] = [];
        for (const marker of context.markers) {
          const diagnostic = session.allDiagnostics().find((d) => markerMatches(marker, d));
          for (const fix of diagnostic?.fixes ?? []) {
            actions.push({
              title: fix.title,
              kind: 'quickfix',
              diagnostics: [marker],
              isPreferred: fix.isPreferred,
              edit: { edits: toWorkspaceEdits(model.uri, versionId, fix.edits) },
            });
          }
        }
        return { actions, dispose: () => undefined };
      },
    },
    { providedCodeActionKinds: ['quickfix'] },
  );

  monaco.languages.registerDocumentFormattingEditProvider('xml', {
    displayName: 'virtdeck domain XML',
    async provideDocumentFormattingEdits(model) {
      const session = sessionFor(model);
      if (!session) return undefined;
      const edits = await session.formatEdits();
      return edits.map((edit) => ({ range: toMonacoRange(edit.range), text: edit.newText }));
    },
  });
}

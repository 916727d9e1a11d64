import type { XmlDocument } from '@virtdeck/schema';
import type { CompletionEntry, HoverResult } from './protocol';

// PENDING(schemaAt/describeAt in @virtdeck/schema): replaced once the schema package exports them.
export function completionsAt(_document: XmlDocument, _offset: number): CompletionEntry[] {
  return [];
}

export function hoverAt(_document: XmlDocument, _offset: number): HoverResult | undefined {
  return undefined;
}

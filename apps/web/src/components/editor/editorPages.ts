// The editor pages and Monaco with them, as one lazily loaded chunk ("editorPages-….js").
export { DefinitionHistory } from './DefinitionHistory';
export { GuestDefinition } from './GuestDefinition';
export { NewGuestEditor } from './NewGuestEditor';

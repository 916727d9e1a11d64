import type { ApiDiagnostic } from '../api/types';

/** Two sources saying one thing: the same code at the same place, whatever the wording. */
export const sameProblem = (a: ApiDiagnostic, b: ApiDiagnostic): boolean => a.code === b.code && a.range.start.offset === b.range.start.offset;

/**
 * One diagnostic per problem from the local checks (the schema, on every keystroke) and the
 * server's (the schema again, plus this host): a document problem is the local checks', which
 * follow the text; a host problem said by both (kqemu: the schema's warning, the host's error
 * with its own fixes) is the server's, which knows the host, as long as its answer is for this
 * very text (`serverCurrent`). A server answer for an older text only keeps what the local checks
 * do not say.
 */
export function mergeDiagnostics<L extends ApiDiagnostic, S extends ApiDiagnostic>(local: readonly L[], server: readonly S[], serverCurrent: boolean): { local: L[]; server: S[] } {
  if (!serverCurrent) return { local: [...local], server: server.filter((s) => !local.some((l) => sameProblem(l, s))) };
  const kept = server.filter((s) => !(s.scope === 'document' && local.some((l) => sameProblem(l, s))));
  return { local: local.filter((l) => !(l.scope === 'host' && kept.some((s) => sameProblem(l, s)))), server: kept };
}

import type { ApiDiagnostic } from '../../api/types';
/**
 * Every problem with its line; a click puts the cursor there. Labelled by what it does to a start, as the
 * header counts and the command-line pane labels them; host problems say so: they stop a start, not a save.
 */
export function ProblemsList({ problems, onReveal }: { problems: { diagnostic: ApiDiagnostic; source: string }[]; onReveal: (d: ApiDiagnostic) => void }) {
  if (problems.length === 0) return <p className="hint small" data-testid="problems-empty">No problems.</p>;
  return (
    <ul className="problems" data-testid="problems">
      {problems.map(({ diagnostic: d, source }, i) => (
        <li key={i} className={`problem ${d.severity} ${d.scope}`} data-scope={d.scope}>
          <button type="button" onClick={() => onReveal(d)}>
            <span className={`severity ${d.severity}`}>{d.scope === 'host' ? `${d.severity} on this host` : d.severity}</span>
            <span className="problem-message">{d.message}</span>
            <span className="problem-where">
              {source} · line {d.range.start.line}:{d.range.start.column} · {d.code}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

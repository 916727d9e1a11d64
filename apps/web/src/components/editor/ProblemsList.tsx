import type { ApiDiagnostic } from '../../api/types';

/** Every problem with its line; a click puts the cursor there. */
export function ProblemsList({ problems, onReveal }: { problems: { diagnostic: ApiDiagnostic; source: string }[]; onReveal: (d: ApiDiagnostic) => void }) {
  if (problems.length === 0) return <p className="hint small" data-testid="problems-empty">No problems.</p>;
  return (
    <ul className="problems" data-testid="problems">
      {problems.map(({ diagnostic: d, source }, i) => (
        <li key={i} className={`problem ${d.severity}`}>
          <button type="button" onClick={() => onReveal(d)}>
            <span className={`severity ${d.severity}`}>{d.severity}</span>
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

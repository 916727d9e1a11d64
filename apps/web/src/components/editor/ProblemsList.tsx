import type { ApiDiagnostic } from '../../api/types';
import { shownSeverity } from '../../monaco/convert';

/** Every problem with its line; a click puts the cursor there. Host problems say so: they stop a start, not a save. */
export function ProblemsList({ problems, onReveal }: { problems: { diagnostic: ApiDiagnostic; source: string }[]; onReveal: (d: ApiDiagnostic) => void }) {
  if (problems.length === 0) return <p className="hint small" data-testid="problems-empty">No problems.</p>;
  return (
    <ul className="problems" data-testid="problems">
      {problems.map(({ diagnostic: d, source }, i) => (
        <li key={i} className={`problem ${shownSeverity(d)} ${d.scope}`} data-scope={d.scope}>
          <button type="button" onClick={() => onReveal(d)}>
            <span className={`severity ${shownSeverity(d)}`}>{d.scope === 'host' ? 'on this host' : d.severity}</span>
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

import { acceleratorSpelling } from '@virtdeck/schema';
import type { HostAccelerator, HostInfo } from '../../api/types';
import type { DomainForm, FormChange } from '../../editor/domainForm';
import { usePendingValue } from '../common/usePendingValue';

/**
 * The accelerators this host reports, each usable or disabled with the reason (on hover
 * and written out). Choosing one rewrites only the accelerator in the XML. Those that only
 * exist on other operating systems are folded away unless the text names one.
 */
export function AcceleratorPicker({ form, host, onChange }: { form: DomainForm; host: HostInfo | undefined; onChange: (change: FormChange) => Promise<void> }) {
  const [shown, choose] = usePendingValue(form.accelerator);
  const listed: HostAccelerator[] = host?.accelerators ?? [];
  const choices: HostAccelerator[] = listed.some((a) => a.name === form.accelerator)
    ? listed
    : [...listed, { name: form.accelerator || '(none)', usable: false, reason: host ? 'not an accelerator QEMU knows' : 'the host capabilities are not loaded' }];
  const elsewhere = (a: HostAccelerator) => !a.usable && a.status === 'available' && a.name !== 'kvm' && a.name !== form.accelerator;
  const main = choices.filter((a) => !elsewhere(a));
  const folded = choices.filter(elsewhere);
  const option = (a: HostAccelerator) => {
    const selected = shown === a.name;
    const why = a.usable ? (a.caution ?? a.summary) : (a.reason ?? 'not usable on this host');
    return (
      <label key={a.name} className={`accel ${a.usable ? 'usable' : 'unusable'}${selected ? ' selected' : ''}`} title={why} data-testid={`accel-${a.name}`}>
        <input type="radio" name="accelerator" value={a.name} checked={selected} disabled={!a.usable} onChange={() => choose(a.name, onChange({ kind: 'accelerator', value: a.name }))} />
        <span className="accel-name">
          {a.title ?? a.name} <code>{a.name}</code>
        </span>
        {!a.usable ? <span className="accel-reason">{a.reason ?? 'not usable on this host'}</span> : null}
        {a.usable && a.caution ? (
          <span className="accel-reason" data-testid={`accel-${a.name}-caution`}>
            {a.caution}
          </span>
        ) : null}
      </label>
    );
  };
  return (
    <fieldset className="accelerator-picker" data-testid="accelerator-picker">
      <legend>Accelerator</legend>
      {main.map(option)}
      {folded.length > 0 ? (
        <details className="accel-elsewhere">
          <summary>
            {folded.length} more for other hosts ({folded.map((a) => a.name).join(', ')})
          </summary>
          {folded.map(option)}
        </details>
      ) : null}
      {form.acceleratorSpelling !== 'canonical' ? (
        <p className="form-warning" data-testid="legacy-spelling">
          Written as {acceleratorSpelling(form.acceleratorSpelling, form.accelerator)}.{' '}
          <button type="button" className="link" onClick={() => void onChange({ kind: 'accelerator', value: form.accelerator })}>
            Rewrite as &lt;domain type=&apos;{form.accelerator}&apos;&gt;
          </button>
        </p>
      ) : null}
    </fieldset>
  );
}

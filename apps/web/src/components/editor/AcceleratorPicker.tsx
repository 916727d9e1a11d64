import type { HostAccelerator, HostInfo } from '../../api/types';
import type { DomainForm, FormChange } from '../../editor/domainForm';

const SPELLING_TEXT = {
  'os-type': "<os><type>ACCEL</type>, the 2007 first proposal",
  'os-type-accel': "<os><type accel='ACCEL'>, the 2007 counter-proposal",
} as const;

/**
 * The accelerators this host reports, each usable or disabled with the reason (on hover
 * and written out). Choosing one rewrites only the accelerator in the XML.
 */
export function AcceleratorPicker({ form, host, onChange }: { form: DomainForm; host: HostInfo | undefined; onChange: (change: FormChange) => void }) {
  const listed: HostAccelerator[] = host?.accelerators ?? [];
  const known = listed.some((a) => a.name === form.accelerator);
  const choices: HostAccelerator[] = known
    ? listed
    : [...listed, { name: form.accelerator, usable: false, reason: host ? 'not an accelerator this QEMU knows' : 'host capabilities not loaded' }];
  return (
    <fieldset className="accelerator-picker" data-testid="accelerator-picker">
      <legend>Accelerator</legend>
      {choices.map((a) => {
        const selected = form.accelerator === a.name;
        const why = a.usable ? a.summary : `${a.reason ?? 'not usable on this host'}`;
        return (
          <label key={a.name} className={`accel ${a.usable ? 'usable' : 'unusable'}${selected ? ' selected' : ''}`} title={why} data-testid={`accel-${a.name}`}>
            <input
              type="radio"
              name="accelerator"
              value={a.name}
              checked={selected}
              disabled={!a.usable}
              onChange={() => onChange({ kind: 'accelerator', value: a.name })}
            />
            <span className="accel-name">
              {a.title ?? a.name} <code>{a.name}</code>
            </span>
            {!a.usable ? <span className="accel-reason">{a.reason ?? 'not usable on this host'}</span> : null}
          </label>
        );
      })}
      {form.acceleratorSpelling !== 'canonical' ? (
        <p className="form-warning" data-testid="legacy-spelling">
          Written as {SPELLING_TEXT[form.acceleratorSpelling].replace('ACCEL', form.accelerator)}.{' '}
          <button type="button" className="link" onClick={() => onChange({ kind: 'accelerator', value: form.accelerator })}>
            Rewrite as &lt;domain type=&apos;{form.accelerator}&apos;&gt;
          </button>
        </p>
      ) : null}
    </fieldset>
  );
}

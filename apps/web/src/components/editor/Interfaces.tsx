import { FORM_INTERFACE_TYPES, FORM_NIC_MODELS, INTERFACE_TYPES, NIC_MODELS } from '@virtdeck/schema';
import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { HostInfo, NetworkSummary } from '../../api/types';
import type { FormChange, InterfaceForm } from '../../editor/domainForm';
import { usePendingValue } from '../common/usePendingValue';
import { Choice } from './Choice';
import { CommitInput } from './CommitInput';


/** What an interface can attach to here: a name, and why it cannot be used when it cannot. */
interface Attachment {
  name: string;
  label: string;
  reason?: string;
}

/**
 * The network interfaces; one on a virtual network or a bridge picks it from what this host
 * has (GET /api/networks, the host's bridges), each disabled with the reason where it cannot run.
 */
export function Interfaces({ interfaces, host, onChange }: { interfaces: InterfaceForm[]; host: HostInfo | undefined; onChange: (change: FormChange) => Promise<void> }) {
  const networks = useNetworks(interfaces.some((nic) => nic.type === 'network'));
  return (
    <fieldset data-testid="form-interfaces">
      <legend>Network interfaces</legend>
      {interfaces.length === 0 ? <p className="hint small">No network interfaces.</p> : null}
      {interfaces.map((nic, index) => {
        const set = (field: 'type' | 'source' | 'model' | 'mac') => (value: string) => onChange({ kind: 'interface', index, field, value });
        const attachments = nic.type === 'network' ? networkAttachments(networks, host) : nic.type === 'bridge' ? bridgeAttachments(host) : undefined;
        return (
          <div className="device-row" key={index} data-testid={`form-interface-${index}`}>
            <div className="device-title">
              <Choice value={nic.type} choices={FORM_INTERFACE_TYPES} descriptions={INTERFACE_TYPES} onChange={set('type')} label="Interface type" />
              <span className="spacer" />
              <button type="button" className="icon" aria-label={`Remove interface ${index + 1}`} onClick={() => onChange({ kind: 'remove-interface', index })}>
                ✕
              </button>
            </div>
            <div className="field-row">
              {nic.type !== 'user' ? (
                <label className="field">
                  <span>{nic.type === 'bridge' ? 'Bridge' : nic.type === 'network' ? 'Network' : 'Source'}</span>
                  {attachments ? (
                    <AttachmentPicker value={nic.source ?? ''} attachments={attachments} kind={nic.type} onChange={set('source')} testId={`form-interface-${index}-source`} />
                  ) : (
                    <CommitInput value={nic.source ?? ''} spellCheck={false} onCommit={set('source')} data-testid={`form-interface-${index}-source`} />
                  )}
                </label>
              ) : null}
              <label className="field">
                <span>Model</span>
                <Choice value={nic.model} choices={FORM_NIC_MODELS} descriptions={NIC_MODELS} onChange={set('model')} />
              </label>
              <label className="field">
                <span>MAC</span>
                <CommitInput value={nic.mac ?? ''} placeholder="automatic" spellCheck={false} onCommit={set('mac')} />
              </label>
            </div>
            {attachments ? <AttachmentProblem value={nic.source} attachments={attachments} kind={nic.type} index={index} /> : null}
          </div>
        );
      })}
      {networks.error !== undefined ? <p className="form-warning small">The networks could not be listed: {networks.error}</p> : null}
      <button type="button" onClick={() => onChange({ kind: 'add-interface' })} data-testid="form-add-interface">
        Add interface
      </button>
    </fieldset>
  );
}

function AttachmentPicker({ value, attachments, kind, onChange, testId }: { value: string; attachments: Attachment[]; kind: string; onChange: (value: string) => Promise<void>; testId: string }) {
  const [current, choose] = usePendingValue(value);
  const known = attachments.some((a) => a.name === current);
  return (
    <select value={current} onChange={(e) => choose(e.target.value, onChange(e.target.value))} data-testid={testId}>
      {!known ? <option value={current}>{current === '' ? `choose a ${kind}` : `${current} (not on this host)`}</option> : null}
      {attachments.map((a) => (
        <option key={a.name} value={a.name} disabled={a.reason !== undefined && a.name !== current} title={a.reason}>
          {a.label}
          {a.reason !== undefined ? ` — ${a.reason}` : ''}
        </option>
      ))}
    </select>
  );
}

/** Why the interface as written cannot start here, under it. */
function AttachmentProblem({ value, attachments, kind, index }: { value: string | undefined; attachments: Attachment[]; kind: string; index: number }) {
  const chosen = attachments.find((a) => a.name === value);
  const problem = chosen?.reason ?? (value === undefined || value === '' ? undefined : `there is no ${kind} '${value}' on this host`);
  if (problem === undefined) return null;
  return (
    <p className="form-warning small" data-testid={`form-interface-${index}-problem`}>
      Cannot start here: {problem}.
    </p>
  );
}

function networkAttachments(networks: { list?: NetworkSummary[] }, host: HostInfo | undefined): Attachment[] {
  return (networks.list ?? []).map((n) => {
    const what = n.runsAs === 'user' ? `${n.forward === 'isolated' ? 'isolated' : 'NAT'}${n.addresses.length > 0 ? `, ${n.addresses.join(', ')}` : ''}` : n.runsAs === 'bridge' ? `bridge ${n.bridge ?? '?'}` : n.forward;
    const attachment: Attachment = { name: n.name, label: `${n.name} (${what})` };
    const reason = n.runsAs === 'unsupported' ? `forward mode '${n.forward}' is not something virtdeck runs` : n.runsAs === 'bridge' ? bridgeProblem(n.bridge, host) : undefined;
    if (reason !== undefined) attachment.reason = reason;
    return attachment;
  });
}

function bridgeAttachments(host: HostInfo | undefined): Attachment[] {
  return (host?.bridges ?? []).map((name) => {
    const attachment: Attachment = { name, label: name };
    const reason = bridgeProblem(name, host);
    if (reason !== undefined) attachment.reason = reason;
    return attachment;
  });
}

function bridgeProblem(bridge: string | undefined, host: HostInfo | undefined): string | undefined {
  if (!host) return undefined;
  if (bridge === undefined || !(host.bridges ?? []).includes(bridge)) return `the host has no bridge '${bridge ?? ''}'`;
  if (host.privileged === false) return 'a tap on a bridge needs the server to run as root';
  if (host.tapBlocked !== undefined) return host.tapBlocked;
  return undefined;
}

/** GET /api/networks, fetched when an interface on a network is shown (networks change rarely). */
function useNetworks(wanted: boolean): { list?: NetworkSummary[]; error?: string } {
  const [state, setState] = useState<{ list?: NetworkSummary[]; error?: string }>({});
  useEffect(() => {
    if (!wanted) return;
    const abort = new AbortController();
    api.networks(abort.signal).then(
      (list) => setState({ list }),
      (e: unknown) => {
        if (!abort.signal.aborted) setState({ error: errorMessage(e) });
      },
    );
    return () => abort.abort();
  }, [wanted]);
  return state;
}

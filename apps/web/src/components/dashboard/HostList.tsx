import { useShallow } from 'zustand/react/shallow';
import { selectHostList, useHostsStore } from '../../store/hostsStore';

/** The hosts and where each stands: its URI, its state (with why, when it is not reachable), what it runs and its guests. */
export function HostList() {
  const hosts = useHostsStore(useShallow(selectHostList));
  if (hosts.length === 0) return null;
  return (
    <table className="guest-table host-table" data-testid="host-list">
      <thead>
        <tr>
          <th scope="col">Host</th>
          <th scope="col">URI</th>
          <th scope="col">State</th>
          <th scope="col">Hypervisor</th>
          <th scope="col">Guests</th>
        </tr>
      </thead>
      <tbody>
        {hosts.map((host) => (
          <tr key={host.id} data-testid={`host-${host.id}`}>
            <td>{host.id}</td>
            <td>
              <code>{host.uri}</code>
            </td>
            <td>
              <span className={`badge badge-host-${host.state}`} data-testid={`host-${host.id}-state`}>
                {host.state}
              </span>
              {host.error ? (
                <div className="hint" data-testid={`host-${host.id}-error`}>
                  {host.error}
                </div>
              ) : null}
            </td>
            <td>{host.capabilities ? `${host.capabilities.hypervisor} (${host.capabilities.arch}; ${host.capabilities.accelerators.join(', ')})` : '–'}</td>
            <td className="num" data-testid={`host-${host.id}-guests`}>
              {host.guests}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

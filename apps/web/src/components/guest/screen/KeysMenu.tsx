import { useRef } from 'react';
import { KEY_COMBINATIONS, type KeyCombination } from './screenKeys';

/** Combinations the browser or the desktop would keep for itself, sent to the guest from a menu. */
export function KeysMenu({ disabled, onSend }: { disabled: boolean; onSend: (combination: KeyCombination) => void }) {
  const menu = useRef<HTMLDetailsElement>(null);
  return (
    <details className={disabled ? 'screen-keys disabled' : 'screen-keys'} ref={menu} data-testid="screen-keys">
      <summary aria-disabled={disabled} onClick={(e) => disabled && e.preventDefault()}>
        Send keys
      </summary>
      <ul role="menu" aria-label="Send keys to the guest">
        {KEY_COMBINATIONS.map((combination) => (
          <li key={combination.id} role="none">
            <button
              type="button"
              role="menuitem"
              data-testid={`screen-key-${combination.id}`}
              onClick={() => {
                if (menu.current) menu.current.open = false;
                onSend(combination);
              }}
            >
              {combination.label}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

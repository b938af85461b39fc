/** The menu that sends keys the browser keeps for itself (Ctrl-Alt-Del, Ctrl-Alt-Fn, …) to the guest. */
import type RFB from '@novnc/novnc';
import { useRef } from 'react';
import { CTRL_ALT_DEL_ID, pressSpecialKey, SPECIAL_KEYS, type SpecialKey } from './special-keys.ts';

function send(rfb: RFB, key: SpecialKey): void {
  if (key.id === CTRL_ALT_DEL_ID) rfb.sendCtrlAltDel();
  else pressSpecialKey(key, (keysym, code, down) => rfb.sendKey(keysym, code, down));
}

export function SpecialKeysMenu({ rfb }: { rfb: RFB | null }) {
  const details = useRef<HTMLDetailsElement>(null);
  return (
    <details ref={details} className="relative">
      <summary
        className={`cursor-pointer list-none rounded-md px-2.5 py-1 text-sm ring-1 ring-inset ring-zinc-300 dark:ring-zinc-700 ${rfb ? 'hover:bg-zinc-50 dark:hover:bg-zinc-800' : 'pointer-events-none text-zinc-400'}`}
        aria-disabled={!rfb}
      >
        Send keys ▾
      </summary>
      <ul
        aria-label="Keys to send"
        className="absolute z-20 mt-1 max-h-80 w-52 overflow-auto rounded-md border border-zinc-200 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      >
        {SPECIAL_KEYS.map((key) => (
          <li key={key.id}>
            <button
              type="button"
              disabled={!rfb}
              className="block w-full px-3 py-1 text-left text-sm hover:bg-zinc-100 disabled:text-zinc-400 dark:hover:bg-zinc-800"
              onClick={() => {
                if (!rfb) return;
                send(rfb, key);
                if (details.current) details.current.open = false;
                rfb.focus();
              }}
            >
              {key.label}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}

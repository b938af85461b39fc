/**
 * The searchable command picker: an ARIA combobox (a text box labelled
 * "Command" with a listbox of options in the page), so matches can be seen,
 * clicked, and picked from the keyboard: arrows move through them, Enter
 * picks the highlighted one (or the only match), Escape closes the list.
 * Typing an exact name picks it too, as before. A command the signed-in role
 * may not run is listed but marked: disabled (`aria-disabled`), "not allowed"
 * beside it, the reason as its description and tooltip; it cannot be picked
 * from the list.
 */
import { type KeyboardEvent, useEffect, useId, useMemo, useState } from 'react';
import { matchCommands, type PickableCommand } from './command-matches.ts';

interface CommandPickerProps {
  commands: readonly PickableCommand[];
  value: string;
  onChange(value: string): void;
  placeholder: string;
}

export function CommandPicker({ commands, value, onChange, placeholder }: CommandPickerProps) {
  const listId = useId();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState<number | null>(null);
  const matches = useMemo(() => matchCommands(commands, value), [commands, value]);
  const exact = commands.some((command) => command.name === value.trim());
  // An exact name is a choice made: the list gets out of the way of the form below it.
  const expanded = open && !exact && matches.length > 0;
  const optionId = (index: number) => `${listId}-option-${index}`;

  useEffect(() => {
    if (active === null) return;
    document.getElementById(optionId(active))?.scrollIntoView?.({ block: 'nearest' });
  });

  const pick = (name: string) => {
    onChange(name);
    setOpen(false);
    setActive(null);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (matches.length === 0) return;
      setOpen(true);
      const last = matches.length - 1;
      if (event.key === 'ArrowDown') setActive(active === null || active >= last ? 0 : active + 1);
      else setActive(active === null || active <= 0 ? last : active - 1);
      return;
    }
    if (event.key === 'Enter') {
      const chosen = active !== null ? matches[active] : matches.length === 1 ? matches[0] : undefined;
      if (chosen && !exact) {
        event.preventDefault();
        if (!chosen.deniedReason) pick(chosen.name);
      }
      return;
    }
    if (event.key === 'Escape' && expanded) {
      event.preventDefault();
      setOpen(false);
      setActive(null);
    }
  };

  return (
    <div className="relative">
      <label className="flex flex-col text-sm font-medium">
        Command
        <input
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={expanded && active !== null ? optionId(active) : undefined}
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
            setOpen(true);
            setActive(null);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => {
            setOpen(false);
            setActive(null);
          }}
          onKeyDown={onKeyDown}
          placeholder={placeholder}
          className="mt-1 rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono text-sm font-normal dark:border-zinc-700 dark:bg-zinc-900"
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <div
        id={listId}
        role="listbox"
        // Not "Commands": the text box stays the only thing labelled with that word.
        aria-label="Matches"
        hidden={!expanded}
        className="absolute inset-x-0 top-full z-10 mt-1 max-h-64 overflow-auto rounded-md border border-zinc-300 bg-white py-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      >
        {expanded &&
          matches.map((command, index) => {
            const denied = command.deniedReason ?? null;
            const choose = () => {
              if (!denied) pick(command.name);
            };
            return (
              <div
                key={command.name}
                id={optionId(index)}
                role="option"
                // Focus stays in the text box (aria-activedescendant); -1 only makes the option focusable by script.
                tabIndex={-1}
                aria-selected={index === active}
                aria-disabled={denied ? true : undefined}
                aria-describedby={denied ? `${optionId(index)}-denied` : undefined}
                title={denied ?? undefined}
                // Keeps focus in the text box, so the list does not close before the click lands.
                onMouseDown={(event) => event.preventDefault()}
                onClick={choose}
                onKeyDown={(event) => {
                  if (event.key === 'Enter') choose();
                }}
                className={`flex items-baseline justify-between gap-2 px-2 py-1 font-mono text-sm ${denied ? 'cursor-not-allowed text-zinc-400 dark:text-zinc-500' : 'cursor-pointer'} ${index === active ? 'bg-sky-100 text-sky-950 dark:bg-sky-900 dark:text-sky-50' : 'hover:bg-zinc-100 dark:hover:bg-zinc-800'}`}
              >
                {command.name}
                {denied ? (
                  <span className="font-sans text-xs text-zinc-500" aria-hidden="true">
                    not allowed
                  </span>
                ) : (
                  (command.deprecated || command.experimental) && (
                    <span className="font-sans text-xs text-zinc-500" aria-hidden="true">
                      {command.deprecated ? 'deprecated' : 'experimental'}
                    </span>
                  )
                )}
                {/* Hidden, so not part of the option's name; still its description. */}
                {denied && (
                  <span id={`${optionId(index)}-denied`} hidden>
                    {denied}
                  </span>
                )}
              </div>
            );
          })}
      </div>
    </div>
  );
}

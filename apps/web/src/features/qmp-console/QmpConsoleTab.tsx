/**
 * The QMP console (loaded on demand): type raw JSON or `command key=value`,
 * Enter sends, arrow keys walk the history of what was typed, Tab completes
 * the command name from the VM's schema. The transcript is the VM's command
 * history (shared with the Commands tab); both it and the typed lines survive a
 * reload (kept per VM in this browser). A command the signed-in role may not
 * run is refused here with the reason, before anything is sent (the bridge
 * would refuse it anyway).
 */

import type { Vm } from '@qmpdeck/protocol';
import { listCommands } from '@qmpdeck/qmp/schema';
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { clippedNote, type HistoryEntry, qmpJson } from '../commands/command-history.ts';
import { formsOf } from '../commands/from-schema.ts';
import { readableText } from '../commands/readable-text.ts';
import { loadConsoleLines, MAX_CONSOLE_LINES, saveConsoleLines } from '../commands/stored-history.ts';
import { useCommandHistory, useCommandRunner } from '../commands/useCommandRunner.ts';
import { useSchema } from '../commands/useSchema.ts';
import { usePermission } from '../session/usePermission.ts';
import { completeCommand, parseConsoleInput } from './parse-input.ts';

/** A return as QMP sent it, or a monitor's text output as the text itself. */
function ConsoleReturn({ entry }: { entry: HistoryEntry }) {
  if (entry.outcome.state !== 'ok') return null;
  if (entry.outcome.clippedBytes !== undefined) {
    return <p className="text-zinc-400">{clippedNote(entry.outcome.clippedBytes)}</p>;
  }
  const text = readableText(entry.request.execute, entry.outcome.value);
  if (text !== null) {
    return (
      <pre className="whitespace-pre-wrap text-zinc-100" data-testid="console-text">
        {text}
      </pre>
    );
  }
  return (
    <pre className="whitespace-pre-wrap">{JSON.stringify({ return: entry.outcome.value }, null, 2)}</pre>
  );
}

export default function QmpConsoleTab({ vm }: { vm: Vm }) {
  const schema = useSchema(vm.id);
  const names = useMemo(
    () => (schema.data ? listCommands(schema.data).map((c) => c.name) : []),
    [schema.data],
  );
  // Values are typed by the command's schema (`name=1` stays a string where the schema says str).
  const formOf = useMemo(() => (schema.data ? formsOf(schema.data) : undefined), [schema.data]);
  const run = useCommandRunner(vm.id, 'console');
  const history = useCommandHistory(vm.id);
  const can = usePermission();
  const [input, setInput] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  // The lines typed here, for ↑/↓; kept in this browser per VM so a reload keeps them.
  const typed = useRef<string[]>(loadConsoleLines(vm.id));
  const position = useRef<number | null>(null);
  const transcriptRef = useRef<HTMLDivElement>(null);
  const inputId = useId();
  const helpId = useId();
  const transcript = useMemo(() => [...history].reverse(), [history]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the transcript grows
  useEffect(() => {
    const element = transcriptRef.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [transcript.length]);

  const send = () => {
    const parsed = parseConsoleInput(input, formOf);
    if (!parsed.ok) {
      setProblem(parsed.error);
      return;
    }
    typed.current = [...typed.current.filter((line) => line !== input), input].slice(-MAX_CONSOLE_LINES);
    saveConsoleLines(vm.id, typed.current);
    position.current = null;
    const denied = can(parsed.request.execute).reason;
    if (denied) {
      // The line stays, to be changed; ↑ finds it too.
      setProblem(`Not sent: ${denied}.`);
      return;
    }
    setProblem(null);
    setSuggestions([]);
    setInput('');
    void run(parsed.request);
  };

  const walkHistory = (step: -1 | 1) => {
    const lines = typed.current;
    if (lines.length === 0) return;
    const current = position.current ?? lines.length;
    const next = Math.min(lines.length, Math.max(0, current + step));
    position.current = next;
    setInput(next === lines.length ? '' : (lines[next] ?? ''));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      send();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      walkHistory(-1);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      walkHistory(1);
    } else if (event.key === 'Tab' && !event.shiftKey && input.trim() !== '') {
      const completion = completeCommand(input, names);
      if (completion.matches.length === 0) return;
      event.preventDefault();
      setInput(completion.text);
      setSuggestions(completion.matches.length > 1 ? completion.matches.slice(0, 30) : []);
    }
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col gap-2 p-3">
      <div
        ref={transcriptRef}
        className="min-h-40 flex-1 overflow-auto rounded-md bg-zinc-950 p-3 font-mono text-xs text-zinc-100"
        role="log"
        aria-label="Console transcript"
        data-testid="console-transcript"
      >
        {transcript.length === 0 && (
          <p className="text-zinc-400">Type a QMP command below, e.g. query-status</p>
        )}
        {transcript.map((entry) => (
          <div key={entry.id} className="mb-2">
            <pre className="whitespace-pre-wrap text-sky-300">{`> ${qmpJson(entry.request).replace(/\n\s*/g, ' ')}`}</pre>
            {entry.outcome.state === 'pending' && <p className="text-zinc-400">…</p>}
            {entry.outcome.state === 'ok' && <ConsoleReturn entry={entry} />}
            {entry.outcome.state === 'error' && (
              <pre className="whitespace-pre-wrap text-red-300">
                {JSON.stringify({ error: { class: entry.outcome.class, desc: entry.outcome.desc } }, null, 2)}
              </pre>
            )}
          </div>
        ))}
      </div>
      {suggestions.length > 0 && (
        <p className="font-mono text-xs text-zinc-600 dark:text-zinc-400" aria-live="polite">
          {suggestions.join('  ')}
        </p>
      )}
      {problem && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {problem}
        </p>
      )}
      <div className="flex items-center gap-2">
        <label htmlFor={inputId} className="font-mono text-sm">
          QMP&gt;
        </label>
        <input
          id={inputId}
          aria-label="QMP command"
          aria-describedby={helpId}
          value={input}
          onChange={(event) => {
            setInput(event.target.value);
            position.current = null;
          }}
          onKeyDown={onKeyDown}
          className="flex-1 rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono text-sm dark:border-zinc-700 dark:bg-zinc-900"
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <p id={helpId} className="text-xs text-zinc-500">
        Enter sends · ↑/↓ history · Tab completes the command name
        {schema.isPending ? ' (loading command names…)' : schema.data ? ` (${names.length} commands)` : ''} ·
        JSON or <code>command key=value …</code>
      </p>
    </div>
  );
}

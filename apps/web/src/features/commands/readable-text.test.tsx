import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandResult } from './CommandResult.tsx';
import { readableText } from './readable-text.ts';

afterEach(cleanup);

describe("a monitor's text output", () => {
  it('is shown as text with real line breaks, not as a JSON string with \\r\\n in it', () => {
    const output = 'VM status: paused (prelaunch)\r\nsecond line\r\n';
    render(
      <CommandResult
        entry={{
          id: '1',
          vm: 'alpha',
          request: { execute: 'human-monitor-command', arguments: { 'command-line': 'info status' } },
          sentAt: 1,
          outcome: { state: 'ok', value: output },
        }}
      />,
    );
    const shown = screen.getByTestId('qmp-return').textContent ?? '';
    expect(shown).toBe('VM status: paused (prelaunch)\nsecond line\n');
    expect(shown).not.toContain('\\r\\n');
  });

  it('is read from human-readable-text returns too, and nothing else is', () => {
    expect(readableText('x-query-irq', { 'human-readable-text': 'a\nb' })).toBe('a\nb');
    expect(readableText('query-status', { status: 'running' })).toBeNull();
    expect(readableText('qom-get', 'pc-i440fx-7.2-machine')).toBeNull();
  });
});

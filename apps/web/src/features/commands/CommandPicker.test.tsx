/** The command picker shows its matches in the page and can be driven by keyboard and pointer alike. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandPicker } from './CommandPicker.tsx';
import { matchCommands, matchCountText } from './command-matches.ts';

afterEach(cleanup);

const COMMANDS = [
  { name: 'qmp_capabilities' },
  { name: 'query-stats' },
  { name: 'query-stats-schemas' },
  { name: 'query-status' },
  { name: 'stop' },
  { name: 'x-debug-query-block-graph', experimental: true },
];

function Picker({ commands = COMMANDS }: { commands?: typeof COMMANDS }) {
  const [value, setValue] = useState('');
  return (
    <>
      <CommandPicker commands={commands} value={value} onChange={setValue} placeholder="search" />
      <output data-testid="picked">{value}</output>
    </>
  );
}

const box = () => screen.getByRole('combobox', { name: 'Command' });
const type = (text: string) => {
  fireEvent.focus(box());
  fireEvent.change(box(), { target: { value: text } });
};

describe('CommandPicker', () => {
  it('lists the matches of a partial name as options in the page', () => {
    render(<Picker />);
    type('query-stat');
    expect(box().getAttribute('aria-expanded')).toBe('true');
    expect(screen.getAllByRole('option').map((option) => option.textContent)).toEqual([
      'query-stats',
      'query-stats-schemas',
      'query-status',
    ]);
  });

  it('picks the highlighted match with the arrow keys and Enter', () => {
    render(<Picker />);
    type('query-stat');
    fireEvent.keyDown(box(), { key: 'ArrowDown' });
    fireEvent.keyDown(box(), { key: 'ArrowDown' });
    fireEvent.keyDown(box(), { key: 'ArrowDown' });
    const highlighted = screen.getByRole('option', { selected: true });
    expect(highlighted.textContent).toBe('query-status');
    expect(box().getAttribute('aria-activedescendant')).toBe(highlighted.id);
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect(screen.getByTestId('picked').textContent).toBe('query-status');
    expect(box().getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryAllByRole('option')).toHaveLength(0);
  });

  it('picks the only match with Enter alone', () => {
    render(<Picker />);
    type('qmp_capabil');
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect(screen.getByTestId('picked').textContent).toBe('qmp_capabilities');
  });

  it('picks an option by click, and closes on Escape', () => {
    render(<Picker />);
    type('query');
    fireEvent.click(screen.getByRole('option', { name: 'query-status' }));
    expect(screen.getByTestId('picked').textContent).toBe('query-status');
    type('sto');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    fireEvent.keyDown(box(), { key: 'Escape' });
    expect(box().getAttribute('aria-expanded')).toBe('false');
  });

  it('is the only element labelled with the word "command", so getByLabel(\'Command\') finds it alone', () => {
    render(<Picker />);
    type('query');
    expect(screen.getAllByLabelText(/command/i)).toEqual([box()]);
    expect(screen.getByRole('listbox', { name: 'Matches' })).toBeTruthy();
  });

  it('closes the list once the text is an exact command name', () => {
    render(<Picker />);
    type('query-status');
    expect(box().getAttribute('aria-expanded')).toBe('false');
    expect(screen.queryAllByRole('option')).toHaveLength(0);
  });
});

describe('CommandPicker with commands the role may not run', () => {
  const reason = 'Your role (viewer) may not run stop';
  const withDenied = COMMANDS.map((command) =>
    command.name === 'stop' ? { ...command, deniedReason: reason } : command,
  );

  it('marks them disabled, with the reason as description and tooltip, the name unchanged', () => {
    render(<Picker commands={withDenied} />);
    type('st');
    const stop = screen.getByRole('option', { name: 'stop' });
    expect(stop.getAttribute('aria-disabled')).toBe('true');
    expect(stop.title).toBe(reason);
    expect(document.getElementById(stop.getAttribute('aria-describedby') ?? '')?.textContent).toBe(reason);
    expect(stop.textContent).toContain('not allowed');
    expect(screen.getByRole('option', { name: 'query-stats' }).hasAttribute('aria-disabled')).toBe(false);
  });

  it('does not pick them by click or by Enter', () => {
    render(<Picker commands={withDenied} />);
    type('sto');
    fireEvent.click(screen.getByRole('option', { name: 'stop' }));
    expect(screen.getByTestId('picked').textContent).toBe('sto');
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect(screen.getByTestId('picked').textContent).toBe('sto');
    fireEvent.keyDown(box(), { key: 'ArrowDown' });
    fireEvent.keyDown(box(), { key: 'Enter' });
    expect(screen.getByTestId('picked').textContent).toBe('sto');
  });
});

describe('matchCommands', () => {
  it('puts names that start with the search before names that only contain it', () => {
    expect(matchCommands(COMMANDS, 'query').map((command) => command.name)).toEqual([
      'query-stats',
      'query-stats-schemas',
      'query-status',
      'x-debug-query-block-graph',
    ]);
  });

  it('counts in words that agree', () => {
    expect(matchCountText(1)).toBe('1 command matches');
    expect(matchCountText(3)).toBe('3 commands match');
  });
});

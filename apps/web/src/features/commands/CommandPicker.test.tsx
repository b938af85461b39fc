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

function Picker() {
  const [value, setValue] = useState('');
  return (
    <>
      <CommandPicker commands={COMMANDS} value={value} onChange={setValue} placeholder="search" />
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

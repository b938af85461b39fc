/** The in-flight line stays one line however many commands wait, and opens to the whole list on request. */
import type { InflightCommand } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../../api/queryKeys.ts';
import { InflightLine } from './InflightLine.tsx';

afterEach(cleanup);

function renderWith(commands: InflightCommand[]) {
  const queryClient = new QueryClient();
  queryClient.setQueryData(queryKeys.inflight('alpha'), commands);
  render(
    <QueryClientProvider client={queryClient}>
      <InflightLine vmId="alpha" />
    </QueryClientProvider>,
  );
}

const now = Date.now();
const queued = Array.from({ length: 63 }, (_, i) => ({
  id: `r${i}`,
  vm: 'alpha',
  execute: i === 0 ? 'stop' : 'query-status',
  client: 'c1',
  user: null,
  origin: 'console',
  startedAt: now - 12_000 + i,
  deadline: now + 48_000,
}));

describe('InflightLine', () => {
  it('summarises 63 waiting commands in one line, and lists them only when asked', () => {
    renderWith(queued);
    const line = screen.getByRole('region', { name: 'In flight' });
    expect(line.textContent).toContain('In flight (63)');
    expect(screen.getByTestId('inflight-summary').textContent).toMatch(
      /QEMU has not answered `stop` for 1\d\.\d s/,
    );
    expect(line.textContent).toContain('62 × query-status, 1 × stop');
    expect(line.querySelectorAll('li')).toHaveLength(0);
    fireEvent.click(screen.getByRole('button', { name: 'Show all 63' }));
    expect(line.querySelectorAll('li')).toHaveLength(63);
    fireEvent.click(screen.getByRole('button', { name: 'Hide list' }));
    expect(line.querySelectorAll('li')).toHaveLength(0);
  });

  it('says who sent a lone command and when it times out', () => {
    renderWith([{ ...(queued[0] as InflightCommand), origin: 'Pause button' }]);
    const line = screen.getByRole('region', { name: 'In flight' });
    expect(line.textContent).toMatch(
      /In flight \(1\)QEMU has not answered `stop` for .* · from Pause button · times out in \d+\.\d s/,
    );
    expect(screen.queryByRole('button', { name: /Show all/ })).toBeNull();
  });
});

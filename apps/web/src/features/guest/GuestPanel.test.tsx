import type { GuestInfo } from '@qmpdeck/protocol';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { GuestPanel } from './GuestPanel.tsx';
import { GuestSummary } from './GuestSummary.tsx';

afterEach(cleanup);

const guest: GuestInfo = {
  agent: 'unavailable',
  stale: true,
  hostname: 'qmpdeck-demo',
  addresses: [{ interface: 'eth0', address: '10.0.2.15', prefix: 24, family: 'ipv4' }],
};

describe('the guest while its agent is silent', () => {
  it('keeps the hostname and address on the Info tab, marked as last known', () => {
    render(<GuestPanel guest={guest} />);
    expect(screen.getByTestId('guest-hostname').textContent).toBe('qmpdeck-demo');
    expect(screen.getByText('10.0.2.15/24')).toBeTruthy();
    expect(screen.getByTestId('guest-stale').textContent).toMatch(
      /^Last known values: the guest agent is not answering/,
    );
  });

  it('keeps them in the one-line summary too, marked', () => {
    render(<GuestSummary guest={guest} />);
    expect(document.body.textContent).toBe('qmpdeck-demo 10.0.2.15 · last known');
    render(<GuestSummary guest={{ ...guest, stale: false, agent: 'connected' }} />);
    expect(document.body.textContent).toContain('qmpdeck-demo 10.0.2.15');
  });
});

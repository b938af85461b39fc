/**
 * A job's line: its progress in words and as a bar, and Cancel only while the bridge says the job can be
 * cancelled, for a role that may control jobs. The request Cancel makes is recorded, not answered (the real
 * bridge's side is its own tests').
 */
import type { Job } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OPERATOR, seedSession } from '../session/session.test-helper.ts';
import { JobProgress } from './JobProgress.tsx';

const MiB = 1024 * 1024;

const download: Job = {
  id: 'job-7',
  vm: null,
  kind: 'download',
  status: 'running',
  progress: { current: 50 * MiB, total: 200 * MiB },
  startedAt: 0,
  description: 'Download of debian.iso into local',
  can: { pause: false, resume: false, cancel: true, dismiss: false },
};

let requests: { method: string; url: string }[] = [];

beforeEach(() => {
  requests = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    requests.push({ method: init?.method ?? 'GET', url: String(input) });
    return new Promise(() => {});
  });
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderJob(job: Job, client = seedSession(new QueryClient())) {
  render(
    <QueryClientProvider client={client}>
      <JobProgress job={job} />
    </QueryClientProvider>,
  );
}

describe('JobProgress', () => {
  it('shows how far the job got, and cancels it with the bridge when asked', async () => {
    renderJob(download);
    expect(
      screen
        .getByRole('progressbar', { name: 'Download of debian.iso into local' })
        .getAttribute('aria-valuenow'),
    ).toBe('25');
    expect(screen.getByTestId('job-progress').textContent).toContain('25% · 50 MiB of 200 MiB');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel Download of debian.iso into local' }));
    await waitFor(() => expect(requests).toEqual([{ method: 'POST', url: '/api/jobs/job-7/cancel' }]));
  });

  it('offers no Cancel when the bridge says the job cannot be, or once it ended', () => {
    renderJob({ ...download, can: { pause: false, resume: false, cancel: false, dismiss: false } });
    renderJob({ ...download, id: 'job-8', status: 'done', description: 'Done one' });
    expect(screen.queryByRole('button', { name: /^Cancel/ })).toBeNull();
  });

  it('says why a role that may not control jobs cannot cancel', () => {
    renderJob(download, seedSession(new QueryClient(), OPERATOR));
    const cancel = screen.getByRole('button', { name: /^Cancel/ });
    fireEvent.click(cancel);
    expect(cancel.getAttribute('aria-disabled')).toBe('true');
    expect(cancel.getAttribute('title')).toBe('Your role (operator) may not cancel or pause jobs');
    expect(requests).toEqual([]);
  });
});

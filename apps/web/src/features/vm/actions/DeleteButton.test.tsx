/**
 * Delete asks first and names what it removes: every disk image of the definition, kept by default, deleted
 * only once the VM's id is typed. The definition is the one the query cache holds (as `GET .../definition`
 * answered it); nothing here is sent, only what would be.
 */
import { type Vm, VmDefinition } from '@qmpdeck/protocol';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { queryKeys } from '../../../api/queryKeys.ts';
import { OPERATOR, seedSession } from '../../session/session.test-helper.ts';
import { DeleteButton, diskImages } from './DeleteButton.tsx';

afterEach(cleanup);

const definition = VmDefinition.parse({
  id: 'web',
  disks: [{ image: 'local:web-disk0.qcow2' }, { image: 'fast:web-data.raw', format: 'raw' }],
  cdroms: [{ image: 'local:debian.iso' }],
});

const stopped: Vm = {
  id: 'web',
  name: 'Web',
  connection: 'stopped',
  status: null,
  qemu: null,
  origin: 'defined',
  managed: true,
  process: { state: 'exited', pid: null, exitCode: 0, signal: null },
};

function renderDelete(vm: Vm, session = seedSession(new QueryClient())) {
  // The definition as fetched: no refetch, so the dialog shows exactly it.
  session.setDefaultOptions({ queries: { staleTime: Number.POSITIVE_INFINITY, retry: false } });
  session.setQueryData(queryKeys.definition(vm.id), definition);
  render(
    <QueryClientProvider client={session}>
      <DeleteButton vm={vm} />
    </QueryClientProvider>,
  );
}

const deleteButton = () => screen.getByRole('button', { name: 'Delete…' }) as HTMLButtonElement;

describe('diskImages', () => {
  it('names the images of the disks, not the ISOs of the CD-ROM drives', () => {
    expect(diskImages(definition)).toEqual(['local:web-disk0.qcow2', 'fast:web-data.raw']);
  });
});

describe('DeleteButton', () => {
  it('names every disk image, keeps them by default, and deletes them only once the id is typed', () => {
    renderDelete(stopped);
    fireEvent.click(deleteButton());
    const dialog = screen.getByRole('dialog', { name: 'Delete Web?' });
    const listed = within(dialog).getByTestId('delete-disks');
    expect([...listed.querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      'local:web-disk0.qcow2',
      'fast:web-data.raw',
    ]);
    expect(dialog.textContent).toContain('Its disk images stay in storage (2)');
    expect(
      (within(dialog).getByLabelText('Keep the disk images in storage') as HTMLInputElement).checked,
    ).toBe(true);
    const keep = within(dialog).getByRole('button', { name: 'Delete VM' }) as HTMLButtonElement;
    expect(keep.disabled).toBe(false);

    fireEvent.click(within(dialog).getByLabelText('Delete the disk images too'));
    expect(dialog.textContent).toContain('These disk images will be deleted (2)');
    const both = within(dialog).getByRole('button', { name: 'Delete VM and disks' }) as HTMLButtonElement;
    expect(both.disabled).toBe(true);
    const confirm = within(dialog).getByLabelText('Type web to delete it and its disks');
    fireEvent.change(confirm, { target: { value: 'We' } });
    expect(both.disabled).toBe(true);
    fireEvent.change(confirm, { target: { value: 'web' } });
    expect(both.disabled).toBe(false);
  });

  it('is not offered while QEMU runs, and says why', () => {
    renderDelete({
      ...stopped,
      connection: 'connected',
      status: 'running',
      process: { state: 'running', pid: 4242, exitCode: null, signal: null },
    });
    expect(deleteButton().disabled).toBe(true);
    expect(deleteButton().title).toBe('Stop the VM to delete it');
  });

  it('is refused with the reason for a role that may not delete VMs', () => {
    renderDelete(stopped, seedSession(new QueryClient(), OPERATOR));
    // A denied control stays focusable and says why instead of opening the dialog.
    const denied = screen.getByRole('button', { name: /Delete…/ });
    fireEvent.click(denied);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.body.textContent).toContain('Your role (operator) may not delete VMs');
  });
});

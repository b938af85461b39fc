import type { Vm } from '@qmpdeck/protocol';
import { describe, expect, it } from 'vitest';
import { actionsFor, commandFor, qmpCommandFor, shownActions, VM_ACTIONS } from './vm-actions.ts';

const vm = (change: Partial<Vm>): Vm => ({
  id: 'a',
  name: 'A',
  connection: 'connected',
  status: 'running',
  qemu: null,
  ...change,
});
const enabled = (v: Vm) =>
  actionsFor(v)
    .filter((action) => action.enabled(v))
    .map((action) => action.label);

describe('VM actions', () => {
  it('allow Pause but not Resume while running', () => {
    expect(enabled(vm({ status: 'running' }))).toEqual(['Pause', 'Reset', 'Power down', 'Quit']);
  });

  it('allow Resume from prelaunch and paused, and no power button without a running guest', () => {
    expect(enabled(vm({ status: 'prelaunch' }))).toEqual(['Resume', 'Reset', 'Quit']);
    expect(enabled(vm({ status: 'paused' }))).toEqual(['Resume', 'Reset', 'Quit']);
  });

  it('wake a suspended (ACPI S3) guest with Resume, which sends system_wakeup since cont cannot', () => {
    const sleeping = vm({ status: 'suspended' });
    expect(enabled(sleeping)).toEqual(['Resume', 'Pause', 'Reset', 'Quit']);
    const resume = VM_ACTIONS.find((action) => action.id === 'resume');
    if (!resume) throw new Error('no Resume action');
    expect(qmpCommandFor(resume, sleeping)).toBe('system_wakeup');
    expect(qmpCommandFor(resume, vm({ status: 'paused' }))).toBe('cont');
  });

  it('allow nothing over QMP while shut off; Start for a managed VM whose QEMU exited', () => {
    const gone = vm({
      connection: 'stopped',
      status: null,
      managed: true,
      process: { state: 'exited', pid: null, exitCode: 0, signal: null },
    });
    expect(enabled(gone)).toEqual(['Start']);
  });

  it('show Start and Kill only for managed VMs, Kill while QEMU runs', () => {
    expect(actionsFor(vm({})).map((a) => a.label)).not.toContain('Kill');
    const managed = vm({
      managed: true,
      process: { state: 'running', pid: 1, exitCode: null, signal: null },
    });
    expect(enabled(managed)).toContain('Kill');
    expect(enabled(managed)).not.toContain('Start');
  });

  it('show Start or Kill, whichever applies: QEMU is either running or not', () => {
    const running = vm({
      managed: true,
      process: { state: 'running', pid: 1, exitCode: null, signal: null },
    });
    const off = vm({
      connection: 'stopped',
      status: null,
      managed: true,
      process: { state: 'exited', pid: null, exitCode: 0, signal: null },
    });
    expect(shownActions(running).map((a) => a.label)).toEqual([
      'Resume',
      'Pause',
      'Reset',
      'Power down',
      'Quit',
      'Stop',
      'Kill',
    ]);
    expect(shownActions(off).map((a) => a.label)).toEqual([
      'Resume',
      'Pause',
      'Reset',
      'Power down',
      'Quit',
      'Start',
    ]);
  });

  it('send Start and Kill to the bridge itself, never through the monitor', () => {
    const kill = VM_ACTIONS.find((action) => action.id === 'kill');
    if (!kill) throw new Error('no Kill action');
    expect(commandFor(kill, vm({ managed: true }))).toEqual({
      vm: 'a',
      target: 'bridge',
      execute: 'vm.kill',
      origin: 'Kill button',
    });
  });

  it('send Stop to the bridge, which powers down, then quits, then kills', () => {
    const stop = VM_ACTIONS.find((action) => action.id === 'stop');
    if (!stop) throw new Error('no Stop action');
    const running = vm({
      managed: true,
      process: { state: 'running', pid: 1, exitCode: null, signal: null },
    });
    expect(commandFor(stop, running)).toEqual({
      vm: 'a',
      target: 'bridge',
      execute: 'vm.stop',
      origin: 'Stop button',
    });
    expect(
      shownActions({ ...running, process: { state: 'exited', pid: null, exitCode: 0, signal: null } }).map(
        (a) => a.label,
      ),
    ).not.toContain('Stop');
  });

  it('ask for confirmation before every action that can lose guest state', () => {
    const confirmed = actionsFor(vm({ managed: true }))
      .filter((action) => action.confirm)
      .map((action) => action.label);
    expect(confirmed).toEqual(['Reset', 'Power down', 'Quit', 'Stop', 'Kill']);
  });
});

/**
 * The guest agent's channel for VMs the bridge launches: a virtio-serial port named as qemu-ga expects, whose
 * host end is a socket in the VM's private runtime dir. Added to every managed VM unless its config names a
 * `qga.socket` itself (then its own args are expected to wire it).
 */
import type { LaunchConfig } from '../config/schema.ts';

export const AGENT_SOCKET_NAME = 'qga.sock';
export const AGENT_PORT_NAME = 'org.qemu.guest_agent.0';
/** Ids unlikely to clash with a user's own -chardev/-device ids. */
const CHARDEV_ID = 'qmpdeck-qga';
const SERIAL_BUS_ID = 'qmpdeck-qga-serial';

export function agentChannelArgs(socketPath: string): string[] {
  return [
    '-chardev',
    `socket,id=${CHARDEV_ID},path=${socketPath},server=on,wait=off`,
    '-device',
    `virtio-serial,id=${SERIAL_BUS_ID}`,
    '-device',
    `virtserialport,bus=${SERIAL_BUS_ID}.0,chardev=${CHARDEV_ID},name=${AGENT_PORT_NAME}`,
  ];
}

/** `launch` with the agent's channel appended; `{dir}` is filled in by the launcher like any other arg. */
export function withAgentChannel(launch: LaunchConfig): LaunchConfig {
  return { ...launch, args: [...launch.args, ...agentChannelArgs(`{dir}/${AGENT_SOCKET_NAME}`)] };
}

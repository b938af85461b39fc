/**
 * A real QEMU for the web app's unit tests that need QEMU's own data (its schema) or answers: the QMP
 * library's test launcher (paused before boot, its own temp dir, killed by PID) plus a connected client.
 */
import { QmpClient } from '@qmpdeck/qmp';
import { startQemu } from '@qmpdeck/qmp/testing';

export interface RealQemu {
  client: QmpClient;
  stop(): Promise<void>;
}

export async function startRealQemu(extraArgs: string[] = []): Promise<RealQemu> {
  const qemu = await startQemu({ extraArgs });
  try {
    const client = await QmpClient.connect({ path: qemu.qmpPath });
    return {
      client,
      async stop() {
        await client.close();
        await qemu.dispose();
      },
    };
  } catch (error) {
    await qemu.dispose();
    throw error;
  }
}

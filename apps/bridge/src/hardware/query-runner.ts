/** How the hardware code asks QEMU a question: typed by the generated schema, run by whoever owns the connection. */
import type { ArgsOf, ReturnOf } from '@qmpdeck/qmp';

export type QueryRunner = <K extends string>(command: K, args?: ArgsOf<K>) => Promise<ReturnOf<K>>;

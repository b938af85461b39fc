/** Number formatting of the info panel. */
export { formatBytes } from '../../ui/bytes.ts';

/** xterm.js, its fit addon and its stylesheet: one chunk, fetched when a serial port is first shown. */
import '@xterm/xterm/css/xterm.css';

export { FitAddon } from '@xterm/addon-fit';
export { Terminal } from '@xterm/xterm';

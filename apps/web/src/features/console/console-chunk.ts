/**
 * The Console feature's one chunk, loaded on demand by the VM page (the tab) and by the app (the pop-out window).
 * Both import this module, so the bundler makes one chunk of the feature; separate lazy entries sharing modules
 * made rolldown split the app's first chunk into many files. noVNC and xterm.js are chunks of their own, loaded
 * when a screen or a serial port is first shown.
 */
export { default as ConsolePopout } from './ConsolePopout.tsx';
export { default as ConsoleTab } from './ConsoleTab.tsx';

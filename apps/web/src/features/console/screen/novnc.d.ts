/**
 * The part of noVNC 1.7's `RFB` (`@novnc/novnc`, core/rfb.js; docs/API.md) this app uses. noVNC ships no types,
 * and DefinitelyTyped's `@types/novnc__novnc` describes the old `lib/rfb` path that 1.7's exports no longer have.
 */
declare module '@novnc/novnc' {
  export interface RfbOptions {
    shared?: boolean;
    credentials?: { username?: string; password?: string; target?: string };
    wsProtocols?: string[];
  }

  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, urlOrChannel: string | WebSocket, options?: RfbOptions);
    viewOnly: boolean;
    scaleViewport: boolean;
    clipViewport: boolean;
    resizeSession: boolean;
    showDotCursor: boolean;
    focusOnClick: boolean;
    background: string;
    qualityLevel: number;
    compressionLevel: number;
    disconnect(): void;
    sendCtrlAltDel(): void;
    /** Down and up when `down` is left out. `code` is a KeyboardEvent.code, mapped to a scancode by noVNC. */
    sendKey(keysym: number, code: string | null, down?: boolean): void;
    focus(options?: FocusOptions): void;
    blur(): void;
    getImageData(): ImageData;
  }
}

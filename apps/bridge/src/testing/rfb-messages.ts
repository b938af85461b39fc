/**
 * RFB client messages as bytes (RFC 6143 and the extensions noVNC speaks), for the parser's tests and the RFB test
 * client. Each function returns one whole message.
 */
export const handshake = {
  version: (version = 'RFB 003.008\n'): Buffer => Buffer.from(version, 'latin1'),
  security: (type: number): Buffer => Buffer.from([type]),
  vncAuthResponse: (): Buffer => Buffer.alloc(16, 0xab),
  clientInit: (shared: boolean): Buffer => Buffer.from([shared ? 1 : 0]),
};

/** 32 bits per pixel, depth 24, little-endian true colour: what QEMU serves by default. */
export function setPixelFormat(): Buffer {
  const message = Buffer.alloc(20);
  message[0] = 0;
  message.set([32, 24, 0, 1], 4);
  message.writeUInt16BE(255, 8);
  message.writeUInt16BE(255, 10);
  message.writeUInt16BE(255, 12);
  message.set([16, 8, 0], 14);
  return message;
}

export function setEncodings(encodings: readonly number[]): Buffer {
  const message = Buffer.alloc(4 + 4 * encodings.length);
  message[0] = 2;
  message.writeUInt16BE(encodings.length, 2);
  encodings.forEach((encoding, i) => {
    message.writeInt32BE(encoding, 4 + 4 * i);
  });
  return message;
}

export function framebufferUpdateRequest(
  incremental: boolean,
  x: number,
  y: number,
  width: number,
  height: number,
): Buffer {
  const message = Buffer.alloc(10);
  message[0] = 3;
  message[1] = incremental ? 1 : 0;
  message.writeUInt16BE(x, 2);
  message.writeUInt16BE(y, 4);
  message.writeUInt16BE(width, 6);
  message.writeUInt16BE(height, 8);
  return message;
}

export function keyEvent(keysym: number, down: boolean): Buffer {
  const message = Buffer.alloc(8);
  message[0] = 4;
  message[1] = down ? 1 : 0;
  message.writeUInt32BE(keysym, 4);
  return message;
}

export function pointerEvent(buttons: number, x: number, y: number): Buffer {
  const message = Buffer.alloc(6);
  message[0] = 5;
  message[1] = buttons;
  message.writeUInt16BE(x, 2);
  message.writeUInt16BE(y, 4);
  return message;
}

export function clientCutText(text: string): Buffer {
  const payload = Buffer.from(text, 'latin1');
  const message = Buffer.alloc(8 + payload.length);
  message[0] = 6;
  message.writeInt32BE(payload.length, 4);
  payload.copy(message, 8);
  return message;
}

/** The extended clipboard form: a negative length, then flags and (zlib) data; here caps or notify flags only. */
export function extendedClipboard(payload: Buffer): Buffer {
  const message = Buffer.alloc(8 + payload.length);
  message[0] = 6;
  message.writeInt32BE(-payload.length, 4);
  payload.copy(message, 8);
  return message;
}

export function qemuExtendedKeyEvent(keysym: number, scancode: number, down: boolean): Buffer {
  const message = Buffer.alloc(12);
  message[0] = 255;
  message[1] = 0;
  message.writeUInt16BE(down ? 1 : 0, 2);
  message.writeUInt32BE(keysym, 4);
  message.writeUInt32BE(scancode, 8);
  return message;
}

export function qemuAudioEnable(): Buffer {
  return Buffer.from([255, 1, 0, 0]);
}

export function qemuAudioSetFormat(): Buffer {
  const message = Buffer.alloc(10);
  message.set([255, 1, 0, 2, 3, 2]);
  message.writeUInt32BE(44_100, 6);
  return message;
}

export function enableContinuousUpdates(): Buffer {
  const message = framebufferUpdateRequest(true, 0, 0, 640, 480);
  message[0] = 150;
  return message;
}

export function clientFence(payload: Buffer): Buffer {
  const message = Buffer.alloc(9 + payload.length);
  message[0] = 248;
  message.writeUInt32BE(0x80000001, 4);
  message[8] = payload.length;
  payload.copy(message, 9);
  return message;
}

export function xvp(operation: number): Buffer {
  return Buffer.from([250, 0, 1, operation]);
}

export function setDesktopSize(width: number, height: number, screens = 1): Buffer {
  const message = Buffer.alloc(8 + 16 * screens);
  message[0] = 251;
  message.writeUInt16BE(width, 2);
  message.writeUInt16BE(height, 4);
  message[6] = screens;
  for (let i = 0; i < screens; i++) {
    const at = 8 + 16 * i;
    message.writeUInt32BE(i, at);
    message.writeUInt16BE(width, at + 8);
    message.writeUInt16BE(height, at + 10);
  }
  return message;
}

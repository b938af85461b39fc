/** The dispatcher's envelope checks and qmp_capabilities, against what QEMU 7.2 answered to the same messages. */
import { describe, expect, it } from 'vitest';
import { negotiateCapabilities } from './capabilities.ts';
import { QemuJsonStreamer } from './qemu-json/streamer.ts';
import type { QemuJsonObject } from './qemu-json/values.ts';
import { looksOutOfBand, type QmpRequest, readRequest } from './qmp-request.ts';
import { errorLine, returnLine } from './replies.ts';

function read(text: string, oobEnabled = false): QmpRequest {
  let request: QmpRequest | undefined;
  new QemuJsonStreamer((message) => {
    request = readRequest(message, oobEnabled);
  }).feed(Buffer.from(text));
  if (!request) throw new Error(`no message in ${text}`);
  return request;
}

/** The line QEMU answers an invalid request with. */
function refusal(text: string, oobEnabled = false): string {
  const request = read(text, oobEnabled);
  if (request.kind !== 'invalid') throw new Error(`${text} is valid`);
  return errorLine('GenericError', request.desc, request.id).trimEnd();
}

function args(text: string): QemuJsonObject {
  const request = read(`{"execute":"qmp_capabilities","arguments":${text}}`);
  if (request.kind !== 'command') throw new Error('not a command');
  return request.arguments;
}

describe("QEMU's envelope checks", () => {
  it('refuses what QEMU refuses, with the id when it could read one', () => {
    expect(refusal('{"foo":1,"id":"e5"}')).toBe(
      '{"id": "e5", "error": {"class": "GenericError", "desc": "QMP input member \'foo\' is unexpected"}}',
    );
    expect(refusal('{"execute":5}')).toBe(
      '{"error": {"class": "GenericError", "desc": "QMP input member \'execute\' must be a string"}}',
    );
    expect(refusal('{"arguments":[]}')).toBe(
      '{"error": {"class": "GenericError", "desc": "QMP input member \'arguments\' must be an object"}}',
    );
    expect(refusal('{"id":2}')).toBe(
      '{"id": 2, "error": {"class": "GenericError", "desc": "QMP input lacks member \'execute\'"}}',
    );
    expect(refusal('{"exec-oob":"stop","execute":"stop"}', true)).toBe(
      '{"error": {"class": "GenericError", "desc": "QMP input member \'execute\' clashes with \'exec-oob\'"}}',
    );
    expect(refusal('{"exec-oob":"qmp_capabilities"}')).toBe(
      '{"error": {"class": "GenericError", "desc": "QMP input member \'exec-oob\' is unexpected"}}',
    );
    expect(refusal('[1]')).toBe(
      '{"error": {"class": "GenericError", "desc": "QMP input must be a JSON object"}}',
    );
    expect(refusal('{"execute": }')).toBe(
      '{"error": {"class": "GenericError", "desc": "JSON parse error, expecting value"}}',
    );
  });

  it("echoes an id of any JSON type as QEMU writes it again (members in QEMU's order)", () => {
    const request = read('{"execute":"stop","id":{"b":1,"a":2,"c":[{"z":1,"y":2}]}}');
    expect(returnLine({}, request.id).trimEnd()).toBe(
      '{"return": {}, "id": {"a": 2, "b": 1, "c": [{"y": 2, "z": 1}]}}',
    );
    expect(returnLine({}, read('{"execute":"stop","id":1e300}').id)).toBe(
      '{"return": {}, "id": 1.0000000000000001e+300}\r\n',
    );
  });

  it('tells out-of-band messages apart as QEMU does', () => {
    const parse = (text: string) => {
      let out = false;
      new QemuJsonStreamer((m) => {
        out = looksOutOfBand(m);
      }).feed(Buffer.from(text));
      return out;
    };
    expect(parse('{"exec-oob":"yank","id":1}')).toBe(true);
    expect(parse('{"exec-oob":5}')).toBe(true);
    expect(parse('{"exec-oob":"stop","execute":"stop"}')).toBe(false);
    expect(read('{"exec-oob":"query-yank","id":"o1"}', true)).toMatchObject({ kind: 'command', oob: true });
  });
});

describe('qmp_capabilities', () => {
  const offered = ['oob'];
  it("checks its arguments with the input visitor's words", () => {
    expect(negotiateCapabilities(args('{"enable":["xyz"]}'), offered, false)).toEqual({
      ok: false,
      class: 'GenericError',
      desc: "Parameter 'null' does not accept value 'xyz'",
    });
    expect(negotiateCapabilities(args('{"enable":[5]}'), offered, true)).toMatchObject({
      desc: "Invalid parameter type for 'enable[0]', expected: string",
    });
    expect(negotiateCapabilities(args('{"enable":null}'), offered, false)).toMatchObject({
      desc: "Invalid parameter type for 'enable', expected: array",
    });
    // Which unknown member QEMU names follows GLib's hash table.
    expect(negotiateCapabilities(args('{"foo":1,"bar":2}'), offered, false)).toMatchObject({
      desc: "Parameter 'bar' is unexpected",
    });
    expect(negotiateCapabilities(args('{"a":1,"b":2,"c":3}'), offered, false)).toMatchObject({
      desc: "Parameter 'b' is unexpected",
    });
    expect(negotiateCapabilities(args('{"enable":[],"zz":1,"a":2}'), offered, false)).toMatchObject({
      desc: "Parameter 'a' is unexpected",
    });
  });

  it('negotiates once, and only what was offered', () => {
    expect(negotiateCapabilities(args('{"enable":["oob","oob"]}'), offered, false)).toEqual({
      ok: true,
      enable: ['oob'],
    });
    expect(negotiateCapabilities(args('{"enable":["oob"]}'), [], false)).toMatchObject({
      desc: 'Capability oob not available',
    });
    expect(negotiateCapabilities(args('{}'), offered, true)).toEqual({
      ok: false,
      class: 'CommandNotFound',
      desc: 'Capabilities negotiation is already complete, command ignored',
    });
  });
});

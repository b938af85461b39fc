/**
 * A download by the bridge: http and https only, redirects followed by hand (at most 5, and never to another
 * scheme: `file:`, `ftp:`, `data:` are refused), the announced length checked against the limit before a byte is
 * written, then the body received as an upload is (receive-file.ts), with its progress.
 */
import { Readable } from 'node:stream';
import { BridgeErrorClass } from '@qmpdeck/protocol';
import { BridgeError } from '../bridge-error.ts';
import { type ReceiveOptions, receiveFile, tooLarge } from './receive-file.ts';

const MAX_REDIRECTS = 5;

export const downloadFailed = (desc: string): BridgeError =>
  new BridgeError(BridgeErrorClass.Conflict, desc, 409);

export interface FetchOptions
  extends Omit<ReceiveOptions, 'source' | 'expectedBytes' | 'onProgress' | 'purpose'> {
  url: string;
  onProgress: (bytes: number, total: number | null) => void;
}

export async function fetchToFile(options: FetchOptions): Promise<number> {
  let url = checkScheme(options.url);
  for (let hops = 0; ; hops++) {
    const response = await fetch(url, { redirect: 'manual', signal: options.signal });
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (location === null)
        throw downloadFailed(`HTTP ${response.status} from ${url.host} without a Location`);
      if (hops >= MAX_REDIRECTS)
        throw downloadFailed(`more than ${MAX_REDIRECTS} redirects from ${options.url}`);
      url = checkScheme(new URL(location, url).href);
      continue;
    }
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      throw downloadFailed(`HTTP ${response.status} ${response.statusText} from ${url.host}`);
    }
    const length = Number(response.headers.get('content-length') ?? Number.NaN);
    const total = Number.isSafeInteger(length) ? length : null;
    if (total !== null && total > options.maxBytes) {
      await response.body.cancel();
      throw tooLarge(options.maxBytes);
    }
    return receiveFile({
      ...options,
      source: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
      expectedBytes: total,
      onProgress: (bytes) => options.onProgress(bytes, total),
      purpose: 'download',
    });
  }
}

function checkScheme(text: string): URL {
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw downloadFailed(
      `refused to fetch ${url.protocol} addresses (a redirect to ${url.protocol}?); only http and https`,
    );
  }
  return url;
}

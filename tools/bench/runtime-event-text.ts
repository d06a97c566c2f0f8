/**
 * The event text as the Lambda runtime hands it to `JSON.parse`: a string on V8's heap.
 *
 * The runtime interface client (aws/aws-lambda-nodejs-runtime-interface-client) makes it with
 * `Napi::String::New` from the body its native client fetched (src/native/rapid-client.cc), or, on
 * its HTTP path, as `data += chunk` over a response decoded as UTF-8 (src/client/rapid-client.ts).
 * Both give a string on the heap. Node 24's `Buffer#toString('utf8')` does not: it returns a
 * text of ASCII over about 1 MB as an external string, whose bytes live outside the heap and whose
 * garbage only a mark-compact frees. A bench that parsed such a string saw mark-compacts in half of
 * the handler's invocations on Node 24, about twice as often as with the runtime's string
 * (docs/trade-writer.md).
 */
import { StringDecoder } from 'node:string_decoder';

/** What one read of the runtime's HTTP response holds at most: node's default for a socket. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Decodes `text` (UTF-8) the way the runtime's HTTP path does: chunk by chunk, appended. No chunk
 * is large enough to become an external string, and a character split across two chunks is
 * decoded whole, as `setEncoding('utf-8')` does.
 */
export function runtimeEventText(text: Buffer): string {
  const decoder = new StringDecoder('utf8');
  let data = '';
  for (let at = 0; at < text.length; at += CHUNK_BYTES) {
    data += decoder.write(text.subarray(at, Math.min(at + CHUNK_BYTES, text.length)));
  }
  return data + decoder.end();
}

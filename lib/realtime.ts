// Limits of the socket.io connection, shared by the server and the browser.

/** Largest socket.io message the server accepts (maxHttpBufferSize); a bigger one ends the connection. */
export const SOCKET_MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Terminal input goes out in pieces of at most this many UTF-16 code units: even if every
 * one were JSON-escaped as \uXXXX (6 bytes) a piece stays under SOCKET_MAX_MESSAGE_BYTES.
 */
export const TERMINAL_INPUT_CHUNK = 8 * 1024;

/** Splits terminal input (a paste) into pieces that fit a socket.io message, never inside a surrogate pair. */
export function chunkTerminalInput(text: string, size = TERMINAL_INPUT_CHUNK): string[] {
  const pieces: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = Math.min(at + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && end - at > 1 && last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(text.slice(at, end));
    at = end;
  }
  return pieces;
}

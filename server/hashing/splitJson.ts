/**
 * Splits a bulk body `{"credentials":[ … ]}` into the JSON text of each element without
 * parsing it, so the elements can be parsed (and validated and hashed) in worker threads
 * instead of on the main thread. One pass over the characters, tracking strings and
 * nesting (string contents are skipped with indexOf): about 1 µs per kilobyte.
 *
 * Anything it does not recognise (other members, escaped key names, malformed nesting)
 * returns undefined and the caller parses the body normally, which also produces the
 * precise JSON error message. A slice that is not valid JSON inside fails later, when the
 * worker parses it, with an error naming its position.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * The element texts of `{"credentials":[...]}`, or undefined if `text` has another shape.
 *
 * @example
 * ```ts
 * splitBulkBody('{"credentials":[{"a":1}, {"b":[2]}]}'); // ['{"a":1}', '{"b":[2]}']
 * ```
 */
export function splitBulkBody(text: string): string[] | undefined {
  const length = text.length;
  let i = 0;
  const skip = () => {
    while (i < length && isSpace(text.charCodeAt(i))) i++;
  };
  skip();
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i++;
  skip();
  const key = '"credentials"';
  if (!text.startsWith(key, i)) return undefined;
  i += key.length;
  skip();
  if (text.charCodeAt(i) !== COLON) return undefined;
  i++;
  skip();
  if (text.charCodeAt(i) !== OPEN_BRACKET) return undefined;
  i++;
  const elements: string[] = [];
  skip();
  if (text.charCodeAt(i) === CLOSE_BRACKET) {
    i++;
  } else {
    for (;;) {
      skip();
      const start = i;
      let depth = 0;
      // One element: a value whose nesting returns to zero before a top-level , or ].
      for (; i < length; i++) {
        const code = text.charCodeAt(i);
        if (code === QUOTE) {
          // Jump to the closing quote: one not preceded by an odd run of backslashes.
          for (;;) {
            i = text.indexOf('"', i + 1);
            if (i === -1) return undefined;
            let backslashes = 0;
            while (text.charCodeAt(i - 1 - backslashes) === BACKSLASH) backslashes++;
            if (backslashes % 2 === 0) break;
          }
        } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
          depth++;
        } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
          if (depth === 0) break;
          depth--;
        } else if (code === COMMA && depth === 0) {
          break;
        }
      }
      if (i >= length || depth !== 0) return undefined;
      let end = i;
      while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
      if (end === start) return undefined; // empty element: let JSON.parse report it
      elements.push(text.slice(start, end));
      const code = text.charCodeAt(i);
      i++;
      if (code === CLOSE_BRACKET) break;
      if (code !== COMMA) return undefined;
    }
  }
  skip();
  if (text.charCodeAt(i) !== CLOSE_BRACE) return undefined;
  i++;
  skip();
  return i === length ? elements : undefined;
}

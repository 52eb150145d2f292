import { joinPath } from '@order-saga/contracts';
import { ErrorDetail } from './domain-error';

/** Bounds on the shape of a JSON body, checked over its text before anything parses it. */
export interface JsonStructureLimits {
  /** Objects and arrays open at once; the root counts as 1. */
  maxDepth: number;
  maxArrayLength: number;
  /** Keys of one object. */
  maxObjectKeys: number;
  /** UTF-16 code units of one string or key, after escapes. */
  maxStringLength: number;
}

/**
 * Generous for every body the API accepts (an order is 3 levels deep with at most 100 lines), small
 * enough that no body within the size limit makes a parser, a validator or a serializer recurse deeply
 * or loop long. Configurable through JsonBodyLimitsConfig.
 */
export const DEFAULT_JSON_STRUCTURE_LIMITS: JsonStructureLimits = {
  maxDepth: 32,
  maxArrayLength: 1000,
  maxObjectKeys: 200,
  maxStringLength: 10_000,
};

/** What is wrong with a body: not JSON at all, or JSON that breaks a limit (with the field where it does). */
export type JsonStructureViolation = { kind: 'syntax' } | { kind: 'structure'; detail: ErrorDetail };

/**
 * Keys that name JavaScript's prototype machinery. No body of the API has them; refused as unknown
 * fields before they reach code that copies objects (`{ ...body }`, Object.assign, class-transformer).
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const ARRAY = 0;
const OBJECT = 1;

/** What the scanner expects next. */
const VALUE = 0;
const VALUE_OR_CLOSE = 1;
const KEY = 2;
const KEY_OR_CLOSE = 3;
const AFTER_VALUE = 4;

/** The smallest magnitude JavaScript prints without an exponent. */
const MIN_FRACTION = 1e-6;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** A run of string characters that need no attention: not a quote, a backslash or a control character. */
// eslint-disable-next-line no-control-regex -- RFC 8259 forbids raw control characters in strings: matching them is the point
const PLAIN_STRING_RUN = /[^"\\\x00-\x1f]*/y;
const SIMPLE_ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX4 = /^[0-9a-fA-F]{4}$/;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Checks `text` as body-parser's strict JSON mode would parse it (an object or an array at the top,
 * RFC 8259 syntax) and against `limits`, without building anything and without recursion, so a body of
 * 5,000 nested arrays is refused at depth `maxDepth` + 1 rather than overflowing a stack somewhere later.
 * Also refused: prototype keys, numbers that do not survive as a JavaScript number (beyond ±2^53 − 1,
 * or not finite like 1e400) or are too small to print without an exponent (below 1e-6 in magnitude, but
 * 0), and escapes that encode a lone UTF-16 surrogate. Returns the first violation.
 *
 * Duplicate keys pass, as JSON.parse takes the last one: every reader of the body (gateway and service)
 * reads the same bytes, so they cannot disagree about which one counts.
 */
export function checkJsonStructure(text: string, limits: JsonStructureLimits): JsonStructureViolation | undefined {
  const kinds: number[] = [];
  const counts: number[] = [];
  /** The field path of each open container, for details[].field ('' for the root). */
  const paths: string[] = [];
  let state = VALUE;
  let pendingKey = '';
  /** Leaves the innermost container: a value of its parent ends there. */
  const close = () => {
    kinds.pop();
    counts.pop();
    paths.pop();
    state = AFTER_VALUE;
  };
  let i = skipWhitespace(text, 0);
  const first = text.charCodeAt(i);
  if (first !== 0x7b && first !== 0x5b) return SYNTAX;

  while (true) {
    i = skipWhitespace(text, i);
    if (i >= text.length) break;
    const c = text.charCodeAt(i);
    const depth = kinds.length;

    if (state === AFTER_VALUE) {
      if (depth === 0) return SYNTAX;
      const kind = kinds[depth - 1];
      if (c === 0x2c) {
        state = kind === ARRAY ? VALUE : KEY;
      } else if ((c === 0x5d && kind === ARRAY) || (c === 0x7d && kind === OBJECT)) {
        close();
      } else {
        return SYNTAX;
      }
      i += 1;
      continue;
    }

    if (state === KEY || state === KEY_OR_CLOSE) {
      if (c === 0x7d && state === KEY_OR_CLOSE) {
        close();
        i += 1;
        continue;
      }
      if (c !== 0x22) return SYNTAX;
      const parent = paths[depth - 1];
      const key = scanString(text, i, limits, () => parent);
      if (key.violation) return key.violation;
      const name = key.escaped ? (JSON.parse(text.slice(i, key.end)) as string) : text.slice(i + 1, key.end - 1);
      if (PROTOTYPE_KEYS.has(name)) return structure(joinPath(parent, name), `property ${name} should not exist`);
      counts[depth - 1] += 1;
      if (counts[depth - 1] > limits.maxObjectKeys) return structure(parent || '(body)', `Must have at most ${limits.maxObjectKeys} fields`);
      i = skipWhitespace(text, key.end);
      if (text.charCodeAt(i) !== 0x3a) return SYNTAX;
      i += 1;
      pendingKey = name;
      state = VALUE;
      continue;
    }

    // VALUE or VALUE_OR_CLOSE
    if (c === 0x5d && state === VALUE_OR_CLOSE) {
      close();
      i += 1;
      continue;
    }
    if (depth > 0 && kinds[depth - 1] === ARRAY) {
      counts[depth - 1] += 1;
      if (counts[depth - 1] > limits.maxArrayLength) return structure(paths[depth - 1] || '(body)', `Must have at most ${limits.maxArrayLength} items`);
    }
    // Built only when needed (a container, a violation): most values are fine and have no use for it.
    const pathHere = (): string => (depth === 0 ? '' : joinPath(paths[depth - 1], kinds[depth - 1] === ARRAY ? String(counts[depth - 1] - 1) : pendingKey));

    if (c === 0x7b || c === 0x5b) {
      const path = pathHere();
      if (depth + 1 > limits.maxDepth) return structure(path || '(body)', `Must be nested at most ${limits.maxDepth} levels deep`);
      kinds.push(c === 0x7b ? OBJECT : ARRAY);
      counts.push(0);
      paths.push(path);
      state = c === 0x7b ? KEY_OR_CLOSE : VALUE_OR_CLOSE;
      i += 1;
      continue;
    }
    if (c === 0x22) {
      const scanned = scanString(text, i, limits, pathHere);
      if (scanned.violation) return scanned.violation;
      i = scanned.end;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i;
      const match = NUMBER.exec(text);
      if (!match) return SYNTAX;
      const value = Number(match[0]);
      if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        return structure(pathHere(), `Must be a number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
      }
      // JavaScript prints these in exponent form (5e-7), and class-validator's IsNumber({ maxDecimalPlaces })
      // then throws instead of answering (typestack/class-validator#1705, open in 0.15.1): a 500. No amount
      // or quantity of the API is that small.
      if (value !== 0 && Math.abs(value) < MIN_FRACTION) return structure(pathHere(), 'Must be 0 or at least 0.000001 in magnitude');
      i = NUMBER.lastIndex;
    } else if (text.startsWith('true', i)) {
      i += 4;
    } else if (text.startsWith('false', i)) {
      i += 5;
    } else if (text.startsWith('null', i)) {
      i += 4;
    } else {
      return SYNTAX;
    }
    state = AFTER_VALUE;
  }

  return kinds.length === 0 && state === AFTER_VALUE ? undefined : SYNTAX;
}

const SYNTAX: JsonStructureViolation = { kind: 'syntax' };

function structure(field: string, error: string): JsonStructureViolation {
  return { kind: 'structure', detail: { field, error } };
}

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length && WHITESPACE.has(text.charCodeAt(i))) i += 1;
  return i;
}

interface ScannedString {
  /** Index just past the closing quote. */
  end: number;
  escaped: boolean;
  violation?: JsonStructureViolation;
}

/** The string starting at the quote at `start`: where it ends, and whether it breaks a rule. */
function scanString(text: string, start: number, limits: JsonStructureLimits, fieldOf: () => string): ScannedString {
  let i = start + 1;
  let length = 0;
  let escaped = false;
  while (true) {
    PLAIN_STRING_RUN.lastIndex = i;
    PLAIN_STRING_RUN.exec(text);
    length += PLAIN_STRING_RUN.lastIndex - i;
    i = PLAIN_STRING_RUN.lastIndex;
    if (length > limits.maxStringLength)
      return { end: i, escaped, violation: structure(fieldOf() || '(body)', `Must be at most ${limits.maxStringLength} characters`) };
    if (i >= text.length) return { end: i, escaped, violation: SYNTAX };
    const c = text.charCodeAt(i);
    if (c === 0x22) return { end: i + 1, escaped };
    if (c !== 0x5c) return { end: i, escaped, violation: SYNTAX }; // a raw control character
    escaped = true;
    const next = text[i + 1];
    if (next === 'u') {
      const unit = hexUnit(text, i + 2);
      if (unit === undefined) return { end: i, escaped, violation: SYNTAX };
      if (unit >= 0xdc00 && unit <= 0xdfff) return { end: i, escaped, violation: loneSurrogate(fieldOf()) };
      if (unit >= 0xd800 && unit <= 0xdbff) {
        const low = text.startsWith('\\u', i + 6) ? hexUnit(text, i + 8) : undefined;
        if (low === undefined || low < 0xdc00 || low > 0xdfff) return { end: i, escaped, violation: loneSurrogate(fieldOf()) };
        i += 12;
        length += 2;
      } else {
        i += 6;
        length += 1;
      }
    } else if (next !== undefined && SIMPLE_ESCAPES.has(next)) {
      i += 2;
      length += 1;
    } else {
      return { end: i, escaped, violation: SYNTAX };
    }
  }
}

function hexUnit(text: string, at: number): number | undefined {
  const digits = text.slice(at, at + 4);
  return HEX4.test(digits) ? parseInt(digits, 16) : undefined;
}

function loneSurrogate(field: string): JsonStructureViolation {
  return structure(field || '(body)', 'Must be valid Unicode (an escape encodes half of a surrogate pair)');
}

import { randomInt } from 'node:crypto';

/** Crockford base32: no I, L, O, U, so ids survive being read aloud or typed by hand. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `ORD-` and 8 random base32 characters (40 bits), as in the spec's `ORD-12345678`. */
export function newOrderId(random: (max: number) => number = randomInt): string {
  let id = 'ORD-';
  for (let i = 0; i < 8; i++) id += ALPHABET[random(ALPHABET.length)];
  return id;
}

import { generateClientSecret, hashClientSecret, verifyClientSecret } from './client-secret';

/** Cheap parameters keep the suite fast; the format carries them, so verification must honour them. */
const FAST = { N: 1024, r: 8, p: 1 };

describe('client secret hashing', () => {
  it('stores a self-describing scrypt hash, never the secret', async () => {
    const hash = await hashClientSecret('s3cret-value-that-is-long-enough', FAST);

    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(hash).not.toContain('s3cret');
  });

  it('salts every hash, so one secret hashed twice gives two different hashes', async () => {
    const [a, b] = await Promise.all([hashClientSecret('same-secret', FAST), hashClientSecret('same-secret', FAST)]);

    expect(a).not.toBe(b);
  });

  it('verifies the right secret and rejects a wrong one', async () => {
    const hash = await hashClientSecret('right-secret', FAST);

    await expect(verifyClientSecret('right-secret', hash)).resolves.toBe(true);
    await expect(verifyClientSecret('wrong-secret', hash)).resolves.toBe(false);
    await expect(verifyClientSecret('', hash)).resolves.toBe(false);
  });

  it('verifies hashes made with the default parameters', async () => {
    const secret = generateClientSecret();

    await expect(verifyClientSecret(secret, await hashClientSecret(secret))).resolves.toBe(true);
  });

  it('rejects a hash whose key part was altered', async () => {
    const hash = await hashClientSecret('right-secret', FAST);
    const last = hash.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${hash.slice(0, -2)}${last}${hash.at(-1)}`;

    await expect(verifyClientSecret('right-secret', tampered)).resolves.toBe(false);
  });

  it('throws on a stored hash that is not in the scrypt format instead of treating it as a mismatch', async () => {
    await expect(verifyClientSecret('x', 'plain-text-secret')).rejects.toThrow('scrypt$N$r$p$salt$hash');
    await expect(verifyClientSecret('x', 'scrypt$1000$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5')).rejects.toThrow('out-of-range');
    await expect(verifyClientSecret('x', `scrypt$${2 ** 24}$8$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5`)).rejects.toThrow('out-of-range');
  });

  it('generates distinct 256-bit secrets in a form-safe alphabet', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateClientSecret));

    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

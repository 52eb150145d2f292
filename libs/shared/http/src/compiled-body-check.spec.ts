import { PlaceOrderRequestDto, UpsertProductRequestDto } from '@order-saga/contracts/http';
import { ValidationPipe } from '@nestjs/common';
import { IsEmail, IsString, Matches } from 'class-validator';
import fc from 'fast-check';
import { compileBodyCheck, NotCompilableError } from './compiled-body-check';
import { DomainError } from './domain-error';
import { API_VALIDATION_OPTIONS, createValidationPipe } from './validation.pipe';

/**
 * class-validator as the services ran it before the compiled check: Nest's own pipe, the same options. False
 * when it refuses the body, and also when it throws: its maxDecimalPlaces check throws on a number printed in
 * exponent form (`3e-323`). The services never see one (JsonBodyReader refuses such numbers first,
 * json-structure.ts); here the compiled check only has to pass no such body.
 */
async function classValidatorAccepts(body: unknown, metatype: new () => object): Promise<boolean> {
  try {
    await new ValidationPipe(API_VALIDATION_OPTIONS).transform(body, { type: 'body', metatype });
    return true;
  } catch (error) {
    if (error instanceof DomainError || error instanceof TypeError) return false;
    throw error;
  }
}

// Values near each constraint's edges, valid and not, plus anything JSON can carry.
const json = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string(),
  fc.constant([]),
  fc.constant({}),
);
const maybe = <T>(value: fc.Arbitrary<T>) => fc.option(value, { nil: undefined, freq: 6 });
const text = (max: number) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: max }),
    fc.string({ minLength: max - 1, maxLength: max + 2 }),
    // Astral characters: two UTF-16 units each, one code point, where the two ways of counting length part.
    fc.string({ unit: 'grapheme', minLength: max / 2 - 1, maxLength: max / 2 + 1 }),
    fc.constantFrom('', ' ', 'SKU-001', 'CUST-12345', 'a_b', 'x'.repeat(max), 'x'.repeat(max + 1)),
  );
const cents = fc.integer({ min: -200, max: 10_000 }).chain((value) => fc.constantFrom(value, value / 10, value / 100, value / 1000, value / 3));
const line = fc.record(
  {
    product_id: fc.oneof(text(50), json),
    quantity: fc.oneof(fc.integer({ min: -2, max: 1001 }), fc.constantFrom(1.5, 999.0000001, '5', 0, -0), json),
    unit_price: fc.oneof(cents, json),
    extra: json,
  },
  { requiredKeys: [] },
);
const address = fc.record(
  {
    street: fc.oneof(text(100), json),
    city: fc.oneof(text(50), json),
    postal_code: fc.oneof(
      fc.constantFrom('12345', '12345-6789', '1234', '12345-678', '123456', 'abcde', ' 12345'),
      fc.stringMatching(/^\d{4,6}(-\d{3,5})?$/),
      json,
    ),
    country: fc.oneof(fc.constantFrom('US', 'us', 'DE', 'GB', 'XX', 'ZZ', 'USA', 'U', ''), fc.string({ maxLength: 3 }), json),
    apartment: json,
  },
  { requiredKeys: [] },
);
const orderBody = fc.record(
  {
    customer_id: fc.oneof(text(50), fc.stringMatching(/^[A-Za-z0-9-]{1,52}$/), json),
    items: fc.oneof(
      fc.array(line, { maxLength: 3 }),
      fc.constant(Array.from({ length: 100 }, () => ({ product_id: 'SKU-1', quantity: 1 }))),
      fc.constant(Array.from({ length: 101 }, () => ({ product_id: 'SKU-1', quantity: 1 }))),
      json,
    ),
    shipping_address: fc.oneof(address, json),
    coupon: json,
  },
  { requiredKeys: [] },
);
// Mostly well-formed bodies with one thing possibly wrong, so that both verdicts are common.
const nearlyValidOrder = fc
  .record({
    customer_id: fc.stringMatching(/^[A-Za-z0-9-]{1,50}$/),
    items: fc.array(
      fc.record({
        product_id: fc.stringMatching(/^[A-Z0-9-]{1,50}$/),
        quantity: fc.integer({ min: 1, max: 999 }),
        unit_price: maybe(fc.integer({ min: 0, max: 99_999 }).map((c) => c / 100)),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    shipping_address: maybe(
      fc.record({
        street: fc.constant('1 Main St'),
        city: fc.constant('Springfield'),
        postal_code: fc.constantFrom('12345', '12345-6789'),
        country: fc.constantFrom('US', 'DE', 'CA'),
      }),
    ),
  })
  .map((body) => JSON.parse(JSON.stringify(body)) as Record<string, unknown>);

// A well-formed body with one field of the body, of its first line or of its address replaced (or removed).
const oneFieldChanged = fc
  .tuple(nearlyValidOrder, orderBody, line, address, fc.constantFrom('body', 'line', 'address'))
  .map(([body, otherBody, otherLine, otherAddress, where]) => {
    const items = body.items as Record<string, unknown>[];
    const target =
      where === 'body'
        ? body
        : where === 'line'
          ? items[0]
          : ((body.shipping_address ??= { street: '1 Main St', city: 'X', postal_code: '12345', country: 'US' }) as Record<string, unknown>);
    const source: Record<string, unknown> = where === 'body' ? otherBody : where === 'line' ? otherLine : otherAddress;
    const [key] = Object.keys(source).length ? Object.keys(source) : Object.keys(target);
    if (key in source && source[key] !== undefined) target[key] = source[key];
    else delete target[key];
    return body;
  });

describe('compileBodyCheck', () => {
  const placeOrder = compileBodyCheck(PlaceOrderRequestDto);

  it('passes every well-formed POST /orders body', async () => {
    await fc.assert(
      fc.asyncProperty(nearlyValidOrder, async (body) => {
        expect(await classValidatorAccepts(body, PlaceOrderRequestDto)).toBe(true);
        expect(placeOrder(body)).toBe(true);
      }),
      { seed: 20261206, numRuns: 500 },
    );
  });

  it('passes no POST /orders body class-validator refuses', async () => {
    const verdicts = { both: 0, classValidatorOnly: 0, neither: 0 };
    const bodies = fc.oneof(orderBody, nearlyValidOrder, oneFieldChanged);
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const passed = placeOrder(body);
        const expected = await classValidatorAccepts(body, PlaceOrderRequestDto);
        if (passed) expect(expected).toBe(true);
        verdicts[passed ? 'both' : expected ? 'classValidatorOnly' : 'neither'] += 1;
      }),
      { seed: 20261206, numRuns: 3000 },
    );
    // Both verdicts are common, or the property says little. The check may be stricter than class-validator
    // (an empty array as the address passes class-validator's nested check); such a body only takes the slow path.
    expect(verdicts.both).toBeGreaterThan(100);
    expect(verdicts.neither).toBeGreaterThan(1000);
    expect(verdicts.classValidatorOnly).toBeLessThan(verdicts.both / 10);
  });

  it('holds the decimal places and country codes class-validator checks, which JSON Schema cannot say', () => {
    const body = (unitPrice: number, country: string) => ({
      customer_id: 'CUST-1',
      items: [{ product_id: 'SKU-1', quantity: 1, unit_price: unitPrice }],
      shipping_address: { street: '1 Main St', city: 'Springfield', postal_code: '12345', country },
    });

    expect(placeOrder(body(29.99, 'US'))).toBe(true);
    expect(placeOrder(body(29.999, 'US'))).toBe(false);
    expect(placeOrder(body(29.99, 'XX'))).toBe(false);
  });

  it('passes exactly the product bodies class-validator passes (a class without nested objects)', async () => {
    const upsertProduct = compileBodyCheck(UpsertProductRequestDto);
    const product = fc.record(
      {
        name: fc.oneof(text(200), json),
        unit_price: fc.oneof(cents, fc.constantFrom(1_000_000, 1_000_000.01), json),
        available: fc.oneof(fc.integer({ min: -2, max: 5 }), json),
        active: fc.oneof(fc.boolean(), json),
        extra: json,
      },
      { requiredKeys: [] },
    );
    const wellFormed = fc.record({
      name: fc.constantFrom('Widget', 'x'.repeat(200)),
      unit_price: cents.map(Math.abs),
      available: maybe(fc.nat(9)),
      active: maybe(fc.boolean()),
    });
    const bodies = fc.oneof(
      product,
      wellFormed,
      fc.tuple(wellFormed, product).map(([good, other]) => ({ ...good, ...Object.fromEntries(Object.entries(other).slice(0, 1)) })),
    );
    let passed = 0;
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const expected = await classValidatorAccepts(body, UpsertProductRequestDto);
        expect(upsertProduct(body)).toBe(expected);
        if (expected) passed += 1;
      }),
      { seed: 20261206, numRuns: 1000 },
    );
    expect(passed).toBeGreaterThan(200);
  });

  it('refuses to compile a class with a constraint it cannot hold exactly', () => {
    class Signup {
      @IsEmail()
      email: string;

      @IsString()
      @Matches(/^[a-z]+$/i)
      name: string;
    }

    expect(() => compileBodyCheck(Signup)).toThrow(NotCompilableError);
    expect(() => compileBodyCheck(Signup)).toThrow(/Signup\.email: constraint isEmail; Signup\.name: a pattern with flags/);
  });
});

describe('createValidationPipe with a @CompiledValidation body', () => {
  it('stops at start-up when a marked class cannot be compiled', () => {
    class Contact {
      @IsEmail()
      email: string;
    }

    expect(() => createValidationPipe().compileMarkedBodies([Contact])).toThrow(NotCompilableError);
    expect(() => createValidationPipe().compileMarkedBodies()).not.toThrow();
  });

  const pipe = createValidationPipe();
  const metadata = { type: 'body' as const, metatype: PlaceOrderRequestDto };

  it('hands a passing body on as the same plain object', async () => {
    const body = { customer_id: 'CUST-1', items: [{ product_id: 'SKU-1', quantity: 2 }] };

    await expect(pipe.transform(body, metadata)).resolves.toBe(body);
  });

  it("answers a refused body with class-validator's details, every failed field named", async () => {
    const body = { customer_id: 'CUST 1', items: [{ product_id: 'SKU-1', quantity: 0, unit_price: 1.005 }], coupon: 'X' };

    const error = await pipe.transform(body, metadata).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).details).toEqual([
      { field: 'coupon', error: 'property coupon should not exist' },
      { field: 'customer_id', error: 'Must be alphanumeric (dashes allowed)' },
      { field: 'items[0].quantity', error: 'Must be between 1 and 999' },
      { field: 'items[0].unit_price', error: 'Must be a number with at most 2 decimal places' },
    ]);
  });
});

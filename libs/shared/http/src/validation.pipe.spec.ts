import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min, ValidateNested } from 'class-validator';
import { DomainError } from './domain-error';
import { createValidationPipe } from './validation.pipe';

class Line {
  @IsInt()
  @Min(1, { message: 'Must be between 1 and 999' })
  @Max(999, { message: 'Must be between 1 and 999' })
  quantity: number;
}

class Body {
  @IsString()
  customer_id: string;

  @ValidateNested({ each: true })
  @Type(() => Line)
  items: Line[];
}

async function validationErrorOf(value: unknown): Promise<DomainError> {
  try {
    await createValidationPipe().transform(value, { type: 'body', metatype: Body });
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('createValidationPipe', () => {
  it('reports a nested array field as items[0].quantity', async () => {
    const error = await validationErrorOf({ customer_id: 'CUST-1', items: [{ quantity: 0 }] });

    expect(error.code).toBe('VALIDATION_ERROR');
    expect(error.details).toEqual([{ field: 'items[0].quantity', error: 'Must be between 1 and 999' }]);
  });

  it('reports a missing required field by name', async () => {
    const error = await validationErrorOf({ items: [{ quantity: 1 }] });

    expect(error.details.map((detail) => detail.field)).toEqual(['customer_id']);
  });

  it('rejects unknown fields instead of dropping them', async () => {
    const error = await validationErrorOf({ customer_id: 'CUST-1', items: [], discount: 100 });

    expect(error.details).toEqual([{ field: 'discount', error: 'property discount should not exist' }]);
  });
});

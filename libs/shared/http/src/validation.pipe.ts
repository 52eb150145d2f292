import { ValidationError, ValidationPipe } from '@nestjs/common';
import { joinPath } from '@order-saga/contracts';
import { DomainError, ErrorDetail } from './domain-error';

/** `items[0].quantity`-style paths for every failed constraint, the spec's `details[]`. */
export function validationDetails(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = joinPath(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((text) => ({ field, error: text }));
    return [...own, ...validationDetails(error.children ?? [], field)];
  });
}

/** Strict body validation: unknown fields are rejected, not silently dropped. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new DomainError('VALIDATION_ERROR', 'Request validation failed', validationDetails(errors)),
  });
}

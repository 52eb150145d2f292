import { ArgumentMetadata, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { compiledValidationClasses, ContractClass, hasCompiledValidation, joinPath } from '@order-saga/contracts';
import { BodyCheck, compileBodyCheck } from './compiled-body-check';
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
export function createValidationPipe(): ApiValidationPipe {
  return new ApiValidationPipe(API_VALIDATION_OPTIONS);
}

/** Every service's validation: unknown fields refused, bodies turned into their classes, errors in the API's format. */
export const API_VALIDATION_OPTIONS: ValidationPipeOptions = {
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  exceptionFactory: (errors) => new DomainError('VALIDATION_ERROR', 'Request validation failed', validationDetails(errors)),
};

/**
 * Nest's ValidationPipe, except for a body whose class carries @CompiledValidation: its compiled check
 * (compileBodyCheck, built by compileMarkedBodies at start-up, or on the class's first body) passes it through
 * as the plain JSON it is; a body the check refuses goes through class-validator as any other, for the error's
 * details.
 */
export class ApiValidationPipe extends ValidationPipe {
  private readonly checks = new Map<unknown, BodyCheck>();

  /**
   * Compiles the checks of `targets` now (by default every @CompiledValidation class loaded), so that a class
   * whose constraints cannot be compiled stops the service at start-up (NotCompilableError), not its first request.
   */
  compileMarkedBodies(targets: readonly object[] = compiledValidationClasses()): void {
    for (const target of targets) this.checkFor(target as ContractClass);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && hasCompiledValidation(metadata.metatype) && this.checkFor(metadata.metatype as ContractClass)(value)) return value;
    return super.transform(value, metadata);
  }

  private checkFor(target: ContractClass): BodyCheck {
    let check = this.checks.get(target);
    if (!check) {
      check = compileBodyCheck(target);
      this.checks.set(target, check);
    }
    return check;
  }
}

import { applyDecorators } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { DEAD_LETTER_SERVICES } from '@order-saga/contracts/http/operator';

/** The {service} path parameter of every dead-letter route: which service's dead letters. */
export function ApiDeadLetterService(): MethodDecorator {
  return applyDecorators(
    ApiParam({
      name: 'service',
      enum: DEAD_LETTER_SERVICES,
      enumName: 'DeadLetterService',
      description: 'The service whose dead letters these are (each Kafka service keeps its own, numbered by it)',
    }),
  );
}

/** The {id} path parameter: a dead letter's id in its service. */
export function ApiDeadLetterId(): MethodDecorator {
  return applyDecorators(ApiParam({ name: 'id', description: "The dead letter's id in that service", example: '42' }));
}

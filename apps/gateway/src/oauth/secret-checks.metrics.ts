import { Injectable } from '@nestjs/common';
import { defineCounter, defineGauge } from '@order-saga/shared/observability';

/** The secret-check bounds of the token endpoint and the operator sign-in (docs/deployment.md's metrics contract), recorded by SecretCheckGate. */
@Injectable()
export class SecretCheckMetrics {
  readonly running = defineGauge({
    name: 'order_saga_oauth_secret_checks_running',
    help: 'Client secret and operator password checks (scrypt) the gateway runs at this moment',
  });

  readonly refused = defineCounter({
    name: 'order_saga_oauth_secret_checks_refused_total',
    help: 'Token requests and operator sign-ins answered 503 because the secret checks running and waiting were at their bounds',
  });
}

import { Injectable } from '@nestjs/common';
import { gaugeReadAtScrape } from '@order-saga/shared/observability';
import { DataSource } from 'typeorm';
import { OPEN_SAGA_STATES } from '../orders/domain/place-order.saga';
import { SagaInstance } from '../orders/place-order/saga-instance.entity';

/**
 * order_saga_sagas_in_flight, counted in the database when Prometheus scrapes: right after a restart,
 * and the same number on every replica (alert on max, not sum).
 */
@Injectable()
export class SagasInFlightMetrics {
  constructor(dataSource: DataSource) {
    gaugeReadAtScrape('order_saga_sagas_in_flight', 'Sagas begun and not finished', () =>
      dataSource
        .getRepository(SagaInstance)
        .createQueryBuilder('saga')
        .where('saga.state IN (:...open)', { open: [...OPEN_SAGA_STATES] })
        .getCount(),
    );
  }
}

import { LoggerModule } from 'nestjs-pino';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import type { Response } from 'express';
import { ServiceLifecycle } from '../lifecycle/service-lifecycle';
import { HealthHttpController } from './health.http.controller';

/** Records what the controller answers. */
function recordingResponse() {
  const answer: { status?: number; body?: Record<string, unknown> } = {};
  const response = {
    status(code: number) {
      answer.status = code;
      return response;
    },
    json(body: Record<string, unknown>) {
      answer.body = body;
      return response;
    },
  };
  return { response: response as unknown as Response, answer };
}

describe('GET /health/ready', () => {
  let controller: HealthHttpController;
  let lifecycle: ServiceLifecycle;

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false }), LoggerModule.forRoot({ pinoHttp: { level: 'silent' } })],
      controllers: [HealthHttpController],
      providers: [ServiceLifecycle],
    }).compile();
    controller = moduleRef.get(HealthHttpController);
    lifecycle = moduleRef.get(ServiceLifecycle);
    lifecycle.markReady();
  });

  it('answers 200 ready while every critical check passes', async () => {
    lifecycle.addReadinessCheck({ name: 'database', critical: true, check: async () => undefined });
    const { response, answer } = recordingResponse();

    await controller.ready(response);

    expect(answer).toMatchObject({ status: 200, body: { state: 'ready', info: { database: { status: 'up' } } } });
  });

  it('answers 503 naming the failed check while ready', async () => {
    lifecycle.addReadinessCheck({ name: 'kafka', critical: true, check: async () => Promise.reject(new Error('broker gone')) });
    const { response, answer } = recordingResponse();

    await controller.ready(response);

    expect(answer).toMatchObject({ status: 503, body: { state: 'ready', error: { kafka: { status: 'down' } } } });
  });

  it('answers 503 draining, not a failed check under "ready", when SIGTERM comes while the checks run', async () => {
    // Shutdown hooks may already close what a check looks at: the check fails because the service drains.
    lifecycle.addReadinessCheck({
      name: 'database',
      critical: true,
      check: async () => {
        lifecycle.markDraining();
        throw new Error('pool closing');
      },
    });
    const { response, answer } = recordingResponse();

    await controller.ready(response);

    expect(answer).toMatchObject({ status: 503, body: { status: 'error', state: 'draining' } });
  });
});

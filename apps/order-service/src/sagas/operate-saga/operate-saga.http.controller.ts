import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { IDEMPOTENT_REPLAYED_HEADER, SagaAction, SagaActionRequestDto, SagaActionResponseDto } from '@order-saga/contracts/http/operator';
import { OperatorId } from '@order-saga/shared/operator';
import type { Response } from 'express';
import { RequestMeta, RequestMetadata } from '../../common/client-id.decorator';
import { OperateSagaHandler } from './operate-saga.handler';

/**
 * Operators' actions on a saga (behind the gateway's operator routes): each is an event of the saga's
 * state machine, answered 202 because what it sets off (a participant's reply, the compensations) follows.
 */
@Controller('sagas')
export class OperateSagaHttpController {
  constructor(private readonly handler: OperateSagaHandler) {}

  /** Sends the command of the step the saga waits on again. */
  @Post(':orderId/retry')
  @HttpCode(202)
  retry(
    @OperatorId() operatorId: string,
    @Param('orderId') orderId: string,
    @Body() body: SagaActionRequestDto,
    @RequestMetadata() meta: RequestMeta,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SagaActionResponseDto> {
    return this.act('retry-step', operatorId, orderId, body, meta, response);
  }

  /** Ends the saga cancelled: the charge refunded and the stock released first, where there are some. */
  @Post(':orderId/cancel')
  @HttpCode(202)
  cancel(
    @OperatorId() operatorId: string,
    @Param('orderId') orderId: string,
    @Body() body: SagaActionRequestDto,
    @RequestMetadata() meta: RequestMeta,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SagaActionResponseDto> {
    return this.act('cancel', operatorId, orderId, body, meta, response);
  }

  private async act(
    action: SagaAction,
    operatorId: string,
    orderId: string,
    body: SagaActionRequestDto,
    meta: RequestMeta,
    response: Response,
  ): Promise<SagaActionResponseDto> {
    const { answer, replayed } = await this.handler.handle(action, orderId, body, operatorId, meta);
    if (replayed) response.setHeader(IDEMPOTENT_REPLAYED_HEADER, 'true');
    return answer;
  }
}

import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { OperatorActionRequestDto, ResendFailedWebhooksRequestDto, WebhookActionResponseDto } from '@order-saga/contracts/http/operator';
import { answerOperatorAction, OperatorId } from '@order-saga/shared/operator';
import type { Response } from 'express';
import { ResendWebhookDeliveriesHandler } from './resend-webhook-deliveries.handler';

/**
 * Operators' resends across clients (behind the gateway's operator routes; the operator in x-operator-id).
 * 202: the attempts follow, made by the delivery worker; read them on the delivery.
 */
@Controller('operator/webhook-deliveries')
export class ResendWebhookDeliveriesHttpController {
  constructor(private readonly handler: ResendWebhookDeliveriesHandler) {}

  /** The failed deliveries of events since `since`, of one endpoint or of every endpoint of one client. */
  @Post('resend-failed')
  @HttpCode(202)
  async resendFailed(
    @OperatorId() operatorId: string,
    @Body() body: ResendFailedWebhooksRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WebhookActionResponseDto> {
    return answerOperatorAction(await this.handler.resendFailed(body, operatorId), response);
  }

  /** One more attempt of one delivery, now, whatever its status. */
  @Post(':deliveryId/resend')
  @HttpCode(202)
  async resend(
    @OperatorId() operatorId: string,
    @Param('deliveryId') deliveryId: string,
    @Body() body: OperatorActionRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WebhookActionResponseDto> {
    return answerOperatorAction(await this.handler.resend(deliveryId, body, operatorId), response);
  }
}

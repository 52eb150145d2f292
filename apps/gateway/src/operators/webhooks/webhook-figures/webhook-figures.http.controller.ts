import { Get, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery } from '@nestjs/swagger';
import { FiguresRequestDto, WebhookFiguresResponseDto } from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { singleValuedQuery } from '../../../orders/list-orders/relay-input';
import { NotificationServiceProxy } from '../../../upstream/upstream-proxies';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorController, OperatorRead, OperatorRequest, SignedInOperator } from '../../operator-route';

/**
 * GET /api/v1/operator/webhook-deliveries/figures → notification-service GET /operator/webhook-deliveries/figures:
 * the console overview's webhook success rate. Mounted before GET /webhook-deliveries/{deliveryId}, which would
 * otherwise take "figures" for a delivery id.
 */
@OperatorController('webhook-deliveries')
export class WebhookFiguresHttpController {
  constructor(private readonly notifications: NotificationServiceProxy) {}

  @Get('figures')
  @OperatorRead()
  @ApiOperation({ summary: "Every client's webhook deliveries per status per minute and their success rate over the last minutes (default 60)" })
  @ApiQuery({ type: FiguresRequestDto })
  @OperatorResponse(200, 'The figures, every minute of the window oldest first', WebhookFiguresResponseDto)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR: minutes not a whole number from 1 to 1440, or an unknown parameter')
  async read(@Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    const context = operatorContextOf(request, account.username);
    relayReply(response, await this.notifications.send('GET', '/operator/webhook-deliveries/figures', context, { query: singleValuedQuery(request) }));
  }
}

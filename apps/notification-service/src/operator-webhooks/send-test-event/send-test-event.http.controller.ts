import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { OperatorActionRequestDto, WebhookActionResponseDto } from '@order-saga/contracts/http/operator';
import { answerOperatorAction, OperatorId } from '@order-saga/shared/operator';
import type { Response } from 'express';
import { SendTestEventHandler } from './send-test-event.handler';

/** An operator's test event to one endpoint (behind the gateway's operator routes); 202: the worker sends it. */
@Controller('operator/webhook-endpoints')
export class SendTestEventHttpController {
  constructor(private readonly handler: SendTestEventHandler) {}

  @Post(':endpointId/test-event')
  @HttpCode(202)
  async send(
    @OperatorId() operatorId: string,
    @Param('endpointId') endpointId: string,
    @Body() body: OperatorActionRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<WebhookActionResponseDto> {
    return answerOperatorAction(await this.handler.send(endpointId, body, operatorId), response);
  }
}

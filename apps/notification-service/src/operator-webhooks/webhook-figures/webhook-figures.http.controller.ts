import { Controller, Get, Query } from '@nestjs/common';
import { DEFAULT_FIGURES_MINUTES, FiguresRequestDto, WebhookFiguresResponseDto } from '@order-saga/contracts/http/operator';
import { WebhookFiguresRepository } from './webhook-figures.repository';

/**
 * GET /operator/webhook-deliveries/figures, for the operator console's overview (behind the gateway's operator
 * routes): every client's deliveries per status per minute and their success rate over the last `minutes`
 * minutes. Registered before GET /operator/webhook-deliveries/:deliveryId, which would otherwise take "figures"
 * for a delivery id.
 */
@Controller('operator/webhook-deliveries')
export class WebhookFiguresHttpController {
  constructor(private readonly figures: WebhookFiguresRepository) {}

  @Get('figures')
  read(@Query() query: FiguresRequestDto): Promise<WebhookFiguresResponseDto> {
    return this.figures.read(query.minutes ?? DEFAULT_FIGURES_MINUTES);
  }
}

import { Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import {
  DeadLetterActionResponseDto,
  DeadLettersRedrivenResponseDto,
  OperatorActionRequestDto,
  RedriveDeadLettersRequestDto,
} from '@order-saga/contracts/http/operator';
import type { Response } from 'express';
import { IDEMPOTENT_REPLAYED, OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { requireJsonBody } from '../../../orders/list-orders/relay-input';
import { operatorContextOf, relayReply } from '../../../upstream/upstream-service.proxy';
import { OperatorChange, OperatorController, OperatorRequest, SignedInOperator } from '../../operator-route';
import { ApiDeadLetterId, ApiDeadLetterService } from '../dead-letter-route';
import { DeadLettersProxy } from '../dead-letters.proxy';

const INVALID_ACTION = 'VALIDATION_ERROR: an unknown service, action_id not a UUID, reason missing or too long, unknown fields';
const ACTION_ID_TAKEN = 'CONFLICT: the action_id was taken for another action or target';

/**
 * POST /api/v1/operator/dead-letters/{service}/{id}/redrive and /discard, and /{service}/redrive (all of them),
 * → that service's operator actions on its dead letters, with the signed-in operator as x-operator-id; each
 * idempotent by action_id (a repeat answers the first answer with Idempotent-Replayed: true). The audit log
 * names a dead letter `<service>/<id>`: every service numbers its own.
 */
@OperatorController('dead-letters')
export class OperateDeadLettersHttpController {
  constructor(private readonly deadLetters: DeadLettersProxy) {}

  @Post(':service/redrive')
  @OperatorChange('dead-letter.redrive-all', 'service')
  @ApiOperation({ summary: "Redrive a service's parked dead letters, of one consumer and/or topic or all of them: up to 500, oldest first" })
  @ApiDeadLetterService()
  @ApiBody({ type: RedriveDeadLettersRequestDto })
  @OperatorResponse(
    202,
    'Taken: the redriven ones are on their way back; those that cannot be redriven stay parked, named',
    DeadLettersRedrivenResponseDto,
    IDEMPOTENT_REPLAYED,
  )
  @OperatorErrorResponse(400, INVALID_ACTION)
  @OperatorErrorResponse(409, ACTION_ID_TAKEN)
  async redriveAll(@Param('service') service: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    relayReply(response, await this.deadLetters.redriveAll(service, requireJsonBody(request), operatorContextOf(request, account.username)));
  }

  @Post(':service/:id/redrive')
  @OperatorChange('dead-letter.redrive', 'service', 'id')
  @ApiOperation({ summary: 'Put one dead letter back on its topic, exactly once; its consumer applies it after the relay publishes it' })
  @ApiDeadLetterService()
  @ApiDeadLetterId()
  @ApiBody({ type: OperatorActionRequestDto })
  @OperatorResponse(202, 'Taken: the message is on its way back to its topic', DeadLetterActionResponseDto, IDEMPOTENT_REPLAYED)
  @OperatorErrorResponse(400, INVALID_ACTION)
  @OperatorErrorResponse(404, 'NOT_FOUND: no dead letter with this id in this service')
  @OperatorErrorResponse(409, `CONFLICT: already redriven or discarded, or not redrivable (discard it); ${ACTION_ID_TAKEN}`)
  async redrive(@Param('service') service: string, @Param('id') id: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    await this.act(service, id, 'redrive', request, response);
  }

  @Post(':service/:id/discard')
  @OperatorChange('dead-letter.discard', 'service', 'id')
  @ApiOperation({ summary: 'Discard one dead letter: kept with who and why, never to be redriven' })
  @ApiDeadLetterService()
  @ApiDeadLetterId()
  @ApiBody({ type: OperatorActionRequestDto })
  @OperatorResponse(200, 'Discarded', DeadLetterActionResponseDto, IDEMPOTENT_REPLAYED)
  @OperatorErrorResponse(400, INVALID_ACTION)
  @OperatorErrorResponse(404, 'NOT_FOUND: no dead letter with this id in this service')
  @OperatorErrorResponse(409, `CONFLICT: already redriven or discarded; ${ACTION_ID_TAKEN}`)
  async discard(@Param('service') service: string, @Param('id') id: string, @Req() request: OperatorRequest, @Res() response: Response): Promise<void> {
    await this.act(service, id, 'discard', request, response);
  }

  private async act(service: string, id: string, action: 'redrive' | 'discard', request: OperatorRequest, response: Response): Promise<void> {
    const { account } = request.operator as SignedInOperator;
    relayReply(response, await this.deadLetters.act(service, id, action, requireJsonBody(request), operatorContextOf(request, account.username)));
  }
}

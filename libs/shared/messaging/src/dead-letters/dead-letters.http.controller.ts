import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { DEFAULT_PAGE_LIMIT } from '@order-saga/contracts/http';
import {
  DeadLetterActionResponseDto,
  DeadLetterDepthResponseDto,
  DeadLetterPageResponseDto,
  DeadLetterResponseDto,
  DeadLettersRedrivenResponseDto,
  ListDeadLettersRequestDto,
  OperatorActionRequestDto,
  RedriveDeadLettersRequestDto,
} from '@order-saga/contracts/http/operator';
import { DomainError, pageOf } from '@order-saga/shared/http';
import { answerOperatorAction, OperatorId } from '@order-saga/shared/operator';
import type { Response } from 'express';
import { DeadLetterActionsHandler } from './dead-letter-actions.handler';
import { DeadLetterRepository } from './dead-letter.repository';
import { toDeadLetterResponse } from './dead-letter.response.dto';

/**
 * Operators' view of this service's dead letters and their actions on them (behind the gateway's operator
 * routes; the operator is named in x-operator-id). Redrives answer 202: the consumer applies the message
 * after the relay published it.
 */
@Controller('dead-letters')
export class DeadLettersHttpController {
  constructor(
    private readonly deadLetters: DeadLetterRepository,
    private readonly actions: DeadLetterActionsHandler,
  ) {}

  /** Newest first, with the error, headers and payload; e.g. `?status=parked&consumer=inventory.reserve-stock`. */
  @Get()
  async list(@Query() query: ListDeadLettersRequestDto): Promise<DeadLetterPageResponseDto> {
    const limit = query.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.deadLetters.findPage({ consumer: query.consumer, topic: query.topic, status: query.status }, limit, query.cursor);
    return pageOf(rows, limit, (row) => ({ createdAt: row.position, id: row.id }), toDeadLetterResponse);
  }

  /** How many are parked, exactly, and of which consumer and topic: the console overview's depth (declared before :id). */
  @Get('depth')
  async depth(): Promise<DeadLetterDepthResponseDto> {
    const consumers = await this.deadLetters.countParkedByConsumer();
    return { parked: consumers.reduce((sum, entry) => sum + entry.parked, 0), consumers };
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<DeadLetterResponseDto> {
    const row = await this.deadLetters.findOne(id);
    if (!row) throw new DomainError('NOT_FOUND', `Dead letter ${id} does not exist`);
    return toDeadLetterResponse(row);
  }

  /** Every parked dead letter of the consumer and/or topic given (all of them without either), oldest first. */
  @Post('redrive')
  @HttpCode(202)
  async redriveAll(
    @OperatorId() operatorId: string,
    @Body() body: RedriveDeadLettersRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DeadLettersRedrivenResponseDto> {
    return answerOperatorAction(await this.actions.redriveAll(body, operatorId), response);
  }

  /** Puts the message back on its topic, once. */
  @Post(':id/redrive')
  @HttpCode(202)
  async redrive(
    @OperatorId() operatorId: string,
    @Param('id') id: string,
    @Body() body: OperatorActionRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DeadLetterActionResponseDto> {
    return answerOperatorAction(await this.actions.redrive(id, body, operatorId), response);
  }

  /** Keeps it, marked discarded with who and why; it can no longer be redriven. */
  @Post(':id/discard')
  @HttpCode(200)
  async discard(
    @OperatorId() operatorId: string,
    @Param('id') id: string,
    @Body() body: OperatorActionRequestDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DeadLetterActionResponseDto> {
    return answerOperatorAction(await this.actions.discard(id, body, operatorId), response);
  }
}

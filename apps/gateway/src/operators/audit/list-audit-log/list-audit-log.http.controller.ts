import { Get, Query } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { DEFAULT_PAGE_LIMIT } from '@order-saga/contracts/http';
import { ListAuditLogRequestDto, OperatorAuditPageResponseDto } from '@order-saga/contracts/http/operator';
import { OperatorErrorResponse, OperatorResponse } from '../../../openapi/api-responses';
import { OperatorController, OperatorRead } from '../../operator-route';
import { OperatorAuditRepository } from '../operator-audit.repository';

/** GET /api/v1/operator/audit-log: what operators did and tried, newest first, for the console's audit page. */
@OperatorController('audit-log')
export class ListAuditLogHttpController {
  constructor(private readonly auditLog: OperatorAuditRepository) {}

  @Get()
  @OperatorRead()
  @ApiOperation({ summary: 'The audit log: every state-changing operator request and its outcome, newest first (cursor pagination)' })
  @OperatorResponse(200, 'A page of audit log entries, newest first', OperatorAuditPageResponseDto)
  @OperatorErrorResponse(400, 'VALIDATION_ERROR naming the invalid parameter in details[].field')
  list(@Query() query: ListAuditLogRequestDto): Promise<OperatorAuditPageResponseDto> {
    return this.auditLog.findPage({ operator: query.operator, target: query.target, action: query.action }, query.limit ?? DEFAULT_PAGE_LIMIT, query.cursor);
  }
}

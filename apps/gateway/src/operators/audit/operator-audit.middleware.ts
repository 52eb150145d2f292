import { Injectable } from '@nestjs/common';
import { ERROR_CODES, ErrorCode } from '@order-saga/contracts/http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Clock } from '../clock';
import { changesState, OperatorRequest } from '../operator-route';
import { OperatorAuditEntry, OperatorAuditRepository } from './operator-audit.repository';

/** Error bodies are small; anything larger is not one of ours and is not parsed for its code. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * Writes the audit log entry of every state-changing request that reached an operator route, allowed or
 * refused, with its outcome: the status and error_code the operator got. Mounted on the operator path only.
 *
 * It holds the response's end until the entry is written (express-session saves its session the same way), so
 * the operator never sees an outcome the log does not have: a refusal by the guard, an error of the gateway, the
 * service's own answer. The entry is written whatever happens; if the write itself fails the answer still goes
 * out (the action may already have taken effect behind the gateway) and the failure is logged as an error.
 * Requests that matched no operator route (404 before any guard ran) are not actions and are not recorded.
 */
@Injectable()
export class OperatorAuditMiddleware {
  constructor(
    private readonly auditLog: OperatorAuditRepository,
    private readonly clock: Clock,
    @InjectPinoLogger(OperatorAuditMiddleware.name) private readonly logger: PinoLogger,
  ) {}

  handler(): RequestHandler {
    return (request: Request, response: Response, next: NextFunction) => {
      if (changesState(request.method)) this.holdEnd(request as OperatorRequest, response, this.clock.now());
      next();
    };
  }

  private holdEnd(request: OperatorRequest, response: Response, receivedAt: Date): void {
    const end = response.end.bind(response) as (...args: unknown[]) => Response;
    let held = false;
    response.end = ((...args: unknown[]) => {
      const note = request.operatorAudit;
      if (held || !note) return end(...args);
      held = true;
      const entry: OperatorAuditEntry = {
        occurredAt: receivedAt,
        operator: note.operator,
        action: note.action,
        target: note.target,
        status: response.statusCode,
        errorCode: response.statusCode >= 400 ? errorCodeOf(args[0]) : null,
        requestId: request.id,
        address: request.ip ?? request.socket.remoteAddress ?? null,
      };
      void this.writeThenEnd(entry, () => end(...args));
      return response;
    }) as Response['end'];
  }

  private async writeThenEnd(entry: OperatorAuditEntry, end: () => void): Promise<void> {
    try {
      await this.auditLog.record(entry);
    } catch (error) {
      this.logger.error({ err: error, audit: entry }, 'operator audit log entry NOT written');
    }
    try {
      end();
    } catch (error) {
      this.logger.error({ err: error, request_id: entry.requestId }, 'could not end the response after the audit log entry');
    }
  }
}

/** The error_code of an error body in the API's format, when it is one of the API's codes. */
export function errorCodeOf(body: unknown): ErrorCode | null {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (text === undefined || text.length > MAX_ERROR_BODY) return null;
  try {
    const code = (JSON.parse(text) as { error_code?: unknown }).error_code;
    return (ERROR_CODES as readonly unknown[]).includes(code) ? (code as ErrorCode) : null;
  } catch {
    // Not JSON: no code to record; the status is.
    return null;
  }
}

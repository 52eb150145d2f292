import { ListAuditLogHttpController } from './audit/list-audit-log/list-audit-log.http.controller';
import { GetSagaHttpController } from './sagas/get-saga/get-saga.http.controller';
import { ListSagasHttpController } from './sagas/list-sagas/list-sagas.http.controller';
import { OperateSagaHttpController } from './sagas/operate-saga/operate-saga.http.controller';
import { GetSessionHttpController } from './sessions/get-session/get-session.http.controller';
import { SignInHttpController } from './sessions/sign-in/sign-in.http.controller';
import { SignOutHttpController } from './sessions/sign-out/sign-out.http.controller';

/** The operator API below /api/v1/operator: sessions, the sagas (relayed to order-service), the audit log. */
export const OPERATOR_CONTROLLERS = [
  SignInHttpController,
  GetSessionHttpController,
  SignOutHttpController,
  ListSagasHttpController,
  GetSagaHttpController,
  OperateSagaHttpController,
  ListAuditLogHttpController,
];

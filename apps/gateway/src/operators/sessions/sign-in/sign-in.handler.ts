import { Injectable } from '@nestjs/common';
import type { SignInRequestDto } from '@order-saga/contracts/http/operator';
import { DomainError } from '@order-saga/shared/http';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { generateClientSecret, hashClientSecret, verifyClientSecret } from '../../../oauth/client-secret';
import { SecretCheckGate } from '../../../oauth/secret-check-gate';
import type { OperatorAccount } from '../../accounts/operator-account.entity';
import { OperatorAccountRepository } from '../../accounts/operator-account.repository';
import type { OperatorAuditNote } from '../../operator-route';
import { OperatorSession, OperatorSessionRepository } from '../operator-session.repository';
import { SignInLimits } from './sign-in-limits';

export interface SignedIn {
  sessionId: string;
  session: OperatorSession;
  account: OperatorAccount;
}

@Injectable()
export class SignInHandler {
  /**
   * Unknown usernames are checked against this hash, so they cost the same scrypt run as known ones and the
   * time of the answer does not tell which usernames exist.
   */
  private readonly unknownAccountHash = hashClientSecret(generateClientSecret());

  constructor(
    private readonly accounts: OperatorAccountRepository,
    private readonly sessions: OperatorSessionRepository,
    private readonly limits: SignInLimits,
    private readonly passwordChecks: SecretCheckGate,
    @InjectPinoLogger(SignInHandler.name) private readonly logger: PinoLogger,
  ) {}

  /**
   * Limits first (an attempt past them checks no password), then the password in the bounded scrypt slots the
   * token endpoint uses too, then a new session. A wrong password, an unknown username and a disabled account
   * are one answer. `audit` learns the account the attempt named, if there is one.
   */
  async handle(credentials: SignInRequestDto, address: string, now: Date, audit: OperatorAuditNote): Promise<SignedIn> {
    const username = credentials.username.toLowerCase();
    const account = await this.accounts.findByUsername(username);
    // An unknown name stays out of the log and the audit log: it may be a password typed into the wrong field.
    if (account) audit.operator = account.username;
    await this.limits.check(username, address);

    const storedHash = account?.passwordHash ?? (await this.unknownAccountHash);
    const matches = await this.passwordChecks.run(() => verifyClientSecret(credentials.password, storedHash));
    if (!account || !matches || account.disabledAt !== null) {
      const reason = !account ? 'unknown username' : !matches ? 'wrong password' : 'disabled account';
      this.logger.warn({ operator: account?.username ?? null, address, reason }, 'operator sign-in refused');
      throw new DomainError('INVALID_CREDENTIALS', 'Wrong username or password');
    }

    const { sessionId, session } = await this.sessions.create(account.username, now);
    this.logger.info({ operator: account.username, address }, 'operator signed in');
    return { sessionId, session, account };
  }
}

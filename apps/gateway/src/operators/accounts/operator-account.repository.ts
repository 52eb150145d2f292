import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OperatorAccount } from './operator-account.entity';

export interface NewOperatorAccount {
  username: string;
  passwordHash: string;
  displayName: string;
}

@Injectable()
export class OperatorAccountRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByUsername(username: string): Promise<OperatorAccount | null> {
    return this.dataSource.getRepository(OperatorAccount).findOneBy({ username });
  }

  /** False when the username is taken (by an enabled or a disabled account: usernames are never reused). */
  async create(account: NewOperatorAccount): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO operator_account (username, password_hash, display_name, role)
       VALUES ($1, $2, $3, 'operator')
       ON CONFLICT (username) DO NOTHING
       RETURNING username`,
      [account.username, account.passwordHash, account.displayName],
    );
    return rows.length === 1;
  }

  /** The account's sessions end at their next request (password_changed_at is after their sign-in). False: no such account. */
  async setPassword(username: string, passwordHash: string): Promise<boolean> {
    const [, affected] = (await this.dataSource.query('UPDATE operator_account SET password_hash = $2, password_changed_at = now() WHERE username = $1', [
      username,
      passwordHash,
    ])) as [unknown, number];
    return affected === 1;
  }

  /** Disabling keeps the first disabled_at; enabling clears it. False: no such account. */
  async setDisabled(username: string, disabled: boolean): Promise<boolean> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE operator_account SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) ELSE NULL END WHERE username = $1`,
      [username, disabled],
    )) as [unknown, number];
    return affected === 1;
  }

  list(): Promise<OperatorAccount[]> {
    return this.dataSource.getRepository(OperatorAccount).find({ order: { username: 'ASC' } });
  }
}

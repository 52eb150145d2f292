import { IsIn, IsInt, Matches, Min } from 'class-validator';

/**
 * A service's own PostgreSQL database, as @order-saga/shared/database connects to it. Every service's config
 * extends it (through BaseServiceConfig), so a bad value stops the boot together with every other bad
 * variable; DatabaseModule reads it again, typed, wherever the settings come from (a test's ConfigModule too).
 */
export class DatabaseConfig {
  /** postgres://user:password@host:port/database of this service's own database. */
  @Matches(/^postgres(ql)?:\/\/.+\/[^/]+$/, { message: 'DATABASE_URL must be a postgres:// URL naming a database' })
  DATABASE_URL: string;

  @IsInt()
  @Min(1)
  DATABASE_POOL_SIZE: number = 10;

  /** on: queries with parameters go as named prepared statements, parsed once per connection. off behind a pooler that cannot keep them (PgBouncer in transaction mode before 1.21). */
  @IsIn(['on', 'off'])
  DATABASE_PREPARED_STATEMENTS: string = 'on';
}

import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DatabaseConfig } from '@order-saga/shared/config';
import { Client } from 'pg';

type Handler = (payload: string) => void;

/**
 * One dedicated connection per process that LISTENs on Postgres channels and fans notifications out
 * to in-process handlers. It reconnects after a dropped connection; callers must therefore treat
 * a notification as a hint and keep a backstop (poll, deadline), never as the only signal.
 */
@Injectable()
export class PgListener implements OnApplicationShutdown {
  private readonly handlers = new Map<string, Set<Handler>>();
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;

  constructor(
    private readonly config: DatabaseConfig,
    @InjectPinoLogger(PgListener.name) private readonly logger: PinoLogger,
  ) {}

  /** Resolves once the channel is being listened to, so a NOTIFY committed after this is not missed. */
  async subscribe(channel: string, handler: Handler): Promise<() => void> {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      const client = await this.connection();
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    } else {
      await this.connection();
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connection(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: this.config.DATABASE_URL });
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'listener connection lost; listening again in 1 s');
      this.client = undefined;
      client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.relisten(), 1000).unref();
    });
    await client.connect();
    this.client = client;
    return client;
  }

  private async relisten(): Promise<void> {
    try {
      const client = await this.connection();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    } catch (error) {
      this.logger.warn({ err: error }, 'listener reconnect failed; trying again in 1 s');
      if (!this.closed) setTimeout(() => void this.relisten(), 1000).unref();
    }
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

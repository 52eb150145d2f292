import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@order-saga/shared/http';
import { NetworkPolicy } from '../domain/network-policy';

/**
 * Registration-time check of a webhook URL, so a client learns at once that an address is refused.
 * It cannot be the only check: DNS may answer differently at delivery time (rebinding), which is why
 * the sender checks the resolved address again on every connect.
 */
@Injectable()
export class WebhookUrlValidator {
  constructor(private readonly policy: NetworkPolicy) {}

  async assertAllowed(url: string): Promise<void> {
    const refusal = this.policy.refusalOfUrl(url) ?? (await this.refusalOfResolvedHost(new URL(url).hostname));
    if (refusal)
      throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [{ field: 'url', error: `url is not allowed as a webhook endpoint: ${refusal}` }]);
  }

  private async refusalOfResolvedHost(hostname: string): Promise<string | null> {
    const host = hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return null;
    let addresses: { address: string }[];
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch {
      // A name that does not resolve yet (a receiver being set up) is not refused; deliveries fail until it does.
      return null;
    }
    for (const { address } of addresses) {
      const refusal = this.policy.refusalOfAddress(address);
      if (refusal) return `${host} resolves to ${refusal}`;
    }
    return null;
  }
}

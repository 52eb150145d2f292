import { SandboxPaymentProvider } from './sandbox-payment.provider';

describe('SandboxPaymentProvider', () => {
  const provider = new SandboxPaymentProvider(10_000);
  const charge = { orderId: 'ORD-AAAABBBB', customerId: 'CUST-12345', amountCents: 5_998, currency: 'USD' };

  it('approves an ordinary charge with a reference stable for the order', async () => {
    const first = await provider.charge(charge);
    const second = await provider.charge(charge);

    expect(first).toMatchObject({ approved: true, providerReference: expect.stringMatching(/^sbx_[0-9a-f]{24}$/) });
    expect(second).toEqual(first);
  });

  it('declines every charge of a customer whose id ends in -DECLINE', async () => {
    await expect(provider.charge({ ...charge, customerId: 'CUST-9-decline' })).resolves.toMatchObject({ approved: false, declineCode: 'card_declined' });
  });

  it('declines a charge above the limit and approves one exactly at it', async () => {
    await expect(provider.charge({ ...charge, amountCents: 10_001 })).resolves.toMatchObject({ approved: false, declineCode: 'insufficient_funds' });
    await expect(provider.charge({ ...charge, amountCents: 10_000 })).resolves.toMatchObject({ approved: true });
  });
});

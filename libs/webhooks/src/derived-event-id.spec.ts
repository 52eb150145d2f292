import { derivedEventId } from './derived-event-id';

const MESSAGE_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

describe('derivedEventId', () => {
  it('is a version 5 UUID, the same for the same message and event type every time', () => {
    const id = derivedEventId(MESSAGE_ID, 'order.updated');

    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedEventId(MESSAGE_ID, 'order.updated')).toBe(id);
  });

  it('differs from the message id, between event types and between messages', () => {
    const id = derivedEventId(MESSAGE_ID, 'order.updated');

    expect(id).not.toBe(MESSAGE_ID);
    expect(derivedEventId(MESSAGE_ID, 'order.cancelled')).not.toBe(id);
    expect(derivedEventId('16fd2706-8baf-433b-82eb-8c7fada847da', 'order.updated')).not.toBe(id);
  });
});

import type { TopicName } from './topics';

export type PayloadClass<T extends object = object> = new () => T;

/** Binds a message type name to the topic it travels on and the class that validates its payload. */
export interface MessageDefinition<T extends object = object> {
  readonly type: string;
  readonly topic: TopicName;
  readonly payload: PayloadClass<T>;
}

export function defineMessage<T extends object>(type: string, topic: TopicName, payload: PayloadClass<T>): MessageDefinition<T> {
  return { type, topic, payload };
}

export type PayloadOf<D> = D extends MessageDefinition<infer T> ? T : never;

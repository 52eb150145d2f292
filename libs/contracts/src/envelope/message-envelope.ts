import { IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

/**
 * Every Kafka message travels in this envelope. The Kafka key is always the aggregate id
 * (the order id), so one order's messages stay in one partition and in order.
 */
export class MessageEnvelope<TPayload extends object = object> {
  @IsUUID()
  messageId: string;

  /** Message type name, e.g. `ReserveStock`; one topic may carry several reply types. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  type: string;

  /** The saga / aggregate this message belongs to: the order id. */
  @IsString()
  @IsNotEmpty()
  correlationId: string;

  /** The message that caused this one; null for a message caused by an HTTP request. */
  @IsOptional()
  @IsUUID()
  causationId: string | null;

  @IsISO8601({ strict: true })
  occurredAt: string;

  @IsOptional()
  @IsString()
  requestId: string | null;

  /** W3C trace context of the request that started the chain. */
  @IsOptional()
  @IsString()
  traceparent: string | null;

  /** Validated separately, against the class its `type` names. */
  @IsObject()
  payload: TPayload;
}

/** What a handler knows about the message it is reacting to, to derive the next message's headers. */
export interface MessageOrigin {
  correlationId: string;
  causationId: string | null;
  requestId: string | null;
  traceparent: string | null;
}

/** Kafka header names that mirror envelope fields, so tools can route and trace without parsing bodies. */
export const ENVELOPE_HEADERS = {
  messageId: 'message-id',
  type: 'message-type',
  correlationId: 'correlation-id',
  causationId: 'causation-id',
  requestId: 'x-request-id',
  traceparent: 'traceparent',
} as const;

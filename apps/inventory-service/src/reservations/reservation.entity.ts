import { Column, CreateDateColumn, Entity, OneToMany, PrimaryColumn, Relation } from 'typeorm';
import { ReservationLine } from './reservation-line.entity';

export type ReservationStatus = 'reserved' | 'released';

@Entity({ name: 'reservation' })
export class Reservation {
  @PrimaryColumn({ name: 'reservation_id', type: 'uuid' })
  reservationId: string;

  /** One reservation per order: a re-sent ReserveStock finds this row instead of reserving twice. */
  @Column({ name: 'order_id', type: 'text', unique: true })
  orderId: string;

  @Column({ type: 'text' })
  status: ReservationStatus;

  @Column({ name: 'total_cents', type: 'integer' })
  totalCents: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'released_at', type: 'timestamptz', nullable: true })
  releasedAt: Date | null;

  /** Set when the order was paid (ConfirmReservation): a confirmed reservation never expires. */
  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt: Date | null;

  /** Why the stock went back: the saga's compensation reason, or `expired`. */
  @Column({ name: 'release_reason', type: 'text', nullable: true })
  releaseReason: string | null;

  @OneToMany(() => ReservationLine, (line) => line.reservation, { cascade: ['insert'], eager: true })
  lines: Relation<ReservationLine[]>;
}

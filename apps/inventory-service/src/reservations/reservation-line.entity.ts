import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { Reservation } from './reservation.entity';

@Entity({ name: 'reservation_line' })
export class ReservationLine {
  @PrimaryColumn({ name: 'reservation_id', type: 'uuid' })
  reservationId: string;

  @PrimaryColumn({ name: 'product_id', type: 'text' })
  productId: string;

  @Column({ type: 'integer' })
  quantity: number;

  @Column({ name: 'unit_price_cents', type: 'integer' })
  unitPriceCents: number;

  @ManyToOne(() => Reservation, (reservation) => reservation.lines)
  @JoinColumn({ name: 'reservation_id' })
  reservation: Relation<Reservation>;
}

import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export type CustomerStatus = 'active' | 'inactive';

@Entity({ name: 'customer' })
export class Customer {
  /** Customer ids are chosen by the client and unique within it. */
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId: string;

  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text' })
  status: CustomerStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

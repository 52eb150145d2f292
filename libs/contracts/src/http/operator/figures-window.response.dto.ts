import { ApiProperty } from '@nestjs/swagger';

/** How every figures answer (sagas, webhooks) begins: its window of whole minutes, and when it was read. */
export abstract class FiguresWindowResponseDto {
  @ApiProperty({ type: 'integer', minimum: 1, description: 'The window, in minutes', example: 60 })
  window_minutes: number;

  @ApiProperty({ format: 'date-time', description: 'The start of the first minute of the window' })
  from: string;

  @ApiProperty({ format: 'date-time', description: "The database's clock when the figures were read" })
  at: string;
}

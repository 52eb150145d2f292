import { IsEmail, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** POST /customers. The id follows the order's customer_id rule, since orders name customers by it. */
export class CreateCustomerRequestDto {
  /** Chosen by the client (its own customer reference); generated when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(50)
  @Matches(/^[A-Za-z0-9-]+$/, { message: 'Must be alphanumeric (dashes allowed)' })
  customer_id?: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsOptional()
  @IsEmail({}, { message: 'Must be an email address' })
  @MaxLength(254)
  email?: string;
}

import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ApiClosedSchema } from '../api-closed-schema';

/**
 * POST /api/v1/operator/session. Only lengths are checked here: a sign-in with a username no account could
 * have is refused like any other wrong credentials, not with a hint about the username rules.
 */
@ApiClosedSchema('OperatorSignIn', "An operator's sign-in")
export class SignInRequestDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'ops@example.com' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  username: string;

  @ApiProperty({ minLength: 1, maxLength: 1024, format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

/** RFC 6749 §5.1 successful token response. */
export interface IssueTokenResponseDto {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** Always present, even when it equals what was asked, so clients need not guess what they got. */
  scope: string;
}

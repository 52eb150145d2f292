import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { text } from 'express';
import { bodyParserMessage, isBodyParserError } from './api-exception.filter';
import { DomainError } from './domain-error';
import { checkJsonStructure, JsonStructureLimits } from './json-structure';

export interface JsonBodyOptions {
  /** Largest body accepted; body-parser syntax ('100kb'). */
  limit: string;
  structure: JsonStructureLimits;
}

/** A JSON body read and checked, not parsed: what the gateway relays. */
export interface CheckedJsonBody {
  /** UTF-8 bytes, the client's own when it sent UTF-8. */
  bytes: Buffer;
}

const CHARSET = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i;

/** The raw bytes body-parser read, kept by its verify hook so a UTF-8 body is relayed without re-encoding. */
type WithRawBody = Request & { rawJsonBody?: Buffer };

/**
 * Reads JSON bodies with body-parser's reading rules (size limit, Content-Encoding, charset), then
 * checks the text's structure (json-structure.ts) before anything parses it. Errors are DomainErrors
 * VALIDATION_ERROR in the words body-parser's JSON parser was answered with before: 'Malformed JSON
 * body', the size limit, the charset.
 */
export class JsonBodyReader {
  private readonly readText: RequestHandler;

  constructor(private readonly options: JsonBodyOptions) {
    this.readText = text({
      type: 'application/json',
      limit: options.limit,
      defaultCharset: 'utf-8',
      verify: (request, _response, bytes) => {
        (request as WithRawBody).rawJsonBody = bytes;
      },
    });
  }

  /**
   * The checked body of a request whose Content-Type the caller found to be JSON; undefined when the
   * request has no body at all. An empty body stands for `{}`, as body-parser's JSON parser has it.
   */
  async read(request: Request): Promise<CheckedJsonBody | undefined> {
    // express links the response to its request; body-parser only hands it to the verify hook.
    const text = await this.checkedText(request, request.res as Response);
    if (text === undefined) return undefined;
    const raw = (request as WithRawBody).rawJsonBody;
    const utf8 = (charsetOf(request) ?? 'utf-8') === 'utf-8';
    return { bytes: text === EMPTY_BODY ? Buffer.from(EMPTY_BODY) : utf8 && raw ? raw : Buffer.from(text, 'utf8') };
  }

  /** For services: every JSON body read, checked and parsed into `request.body` before Nest routes the request. */
  middleware(): RequestHandler {
    return (request: Request, response: Response, next: NextFunction) => {
      if (!request.is('application/json')) {
        next();
        return;
      }
      this.checkedText(request, response).then(
        (text) => {
          if (text !== undefined) request.body = JSON.parse(text) as unknown;
          next();
        },
        (error: unknown) => next(error),
      );
    };
  }

  private async checkedText(request: Request, response: Response): Promise<string | undefined> {
    // body-parser's JSON parser accepts only UTF-8/16/32 (RFC 8259); its text parser would take any charset iconv knows.
    const charset = charsetOf(request);
    if (charset !== undefined && !charset.startsWith('utf-')) {
      throw new DomainError('VALIDATION_ERROR', bodyParserMessage({ type: 'charset.unsupported', status: 415, charset }));
    }
    await new Promise<void>((resolve, reject) => {
      this.readText(request, response, (error?: unknown) => {
        if (error === undefined) resolve();
        else reject(isBodyParserError(error) && error.status < 500 ? new DomainError('VALIDATION_ERROR', bodyParserMessage(error)) : error);
      });
    });
    const body: unknown = request.body;
    if (typeof body !== 'string') return undefined;
    if (body === '') return EMPTY_BODY;
    const violation = checkJsonStructure(body, this.options.structure);
    if (violation?.kind === 'syntax') throw new DomainError('VALIDATION_ERROR', 'Malformed JSON body');
    if (violation) throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [violation.detail]);
    return body;
  }
}

const EMPTY_BODY = '{}';

function charsetOf(request: Request): string | undefined {
  const match = CHARSET.exec(request.headers['content-type'] ?? '');
  const charset = match?.[1] ?? match?.[2];
  return charset ? charset.toLowerCase() : undefined;
}

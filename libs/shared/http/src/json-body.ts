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
  private readonly limitBytes: number;

  constructor(private readonly options: JsonBodyOptions) {
    this.limitBytes = bytesOf(options.limit);
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
    if (this.isPlain(request, charset)) {
      await readPlainBody(request);
    } else {
      await new Promise<void>((resolve, reject) => {
        this.readText(request, response, (error?: unknown) => {
          if (error === undefined) resolve();
          else reject(isBodyParserError(error) && error.status < 500 ? new DomainError('VALIDATION_ERROR', bodyParserMessage(error)) : error);
        });
      });
    }
    const body: unknown = request.body;
    if (typeof body !== 'string') return undefined;
    if (body === '') return EMPTY_BODY;
    const violation = checkJsonStructure(body, this.options.structure);
    if (violation?.kind === 'syntax') throw new DomainError('VALIDATION_ERROR', 'Malformed JSON body');
    if (violation) throw new DomainError('VALIDATION_ERROR', 'Request validation failed', [violation.detail]);
    return body;
  }

  /**
   * Nearly every body: uncompressed UTF-8 of a declared length within the limit, not read yet (a body already
   * read is body-parser's to skip). Node's HTTP
   * parser ends such a body at its length, so body-parser's length, limit and decoding checks cannot fail
   * on it, and reading it directly saves body-parser's stream plumbing and its second look at the headers.
   * Anything else (compressed, chunked, over the limit, another UTF) goes through body-parser.
   */
  private isPlain(request: Request, charset: string | undefined): boolean {
    const { headers } = request;
    if (!request.readable || headers['transfer-encoding'] !== undefined || (charset !== undefined && charset !== 'utf-8')) return false;
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    const length = Number(headers['content-length'] ?? Number.NaN);
    return Number.isInteger(length) && length >= 0 && length <= this.limitBytes;
  }
}

/** A plain body (see isPlain), left where body-parser's text parser and the verify hook leave theirs. */
function readPlainBody(request: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const collect = (chunk: Buffer) => chunks.push(chunk);
    const finish = () => {
      stop();
      const raw = Buffer.concat(chunks);
      (request as WithRawBody).rawJsonBody = raw;
      // iconv-lite, which body-parser decodes with, drops a byte order mark.
      request.body = raw.subarray(0, 3).equals(UTF8_BOM) ? raw.toString('utf8', 3) : raw.toString('utf8');
      resolve();
    };
    // The client went away before the whole body came: body-parser's 'request aborted', answered to no one.
    const fail = () => {
      stop();
      reject(new DomainError('VALIDATION_ERROR', bodyParserMessage({ type: 'request.aborted', status: 400 })));
    };
    const stop = () => {
      request.off('data', collect);
      request.off('end', finish);
      request.off('error', fail);
      request.off('close', fail);
    };
    request.on('data', collect);
    request.on('end', finish);
    request.on('error', fail);
    request.on('close', fail);
  });
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const EMPTY_BODY = '{}';
const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2 };

/** body-parser's limit syntax ('64kb', '1mb', '100b') in bytes. */
function bytesOf(limit: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb)?\s*$/i.exec(limit);
  if (!match) throw new Error(`a JSON body limit must be like '64kb', got '${limit}'`);
  return Math.floor(Number(match[1]) * BYTE_UNITS[(match[2] ?? 'b').toLowerCase()]);
}

function charsetOf(request: Request): string | undefined {
  const match = CHARSET.exec(request.headers['content-type'] ?? '');
  const charset = match?.[1] ?? match?.[2];
  return charset ? charset.toLowerCase() : undefined;
}

import { classSchemas, classValidationMetadata, ConstraintMetadata, ContractClass, JsonSchema } from '@order-saga/contracts';
import Ajv from 'ajv';
import { isISO31661Alpha2, isNumber } from 'class-validator';

/** Whether a body passes; false says nothing more (class-validator then finds out why). */
export type BodyCheck = (body: unknown) => boolean;

/** The class has a constraint the compiled check cannot hold exactly as class-validator does. */
export class NotCompilableError extends Error {
  constructor(target: ContractClass, problems: string[]) {
    super(`${target.name} cannot have a compiled body check: ${problems.join('; ')}`);
    this.name = 'NotCompilableError';
  }
}

/**
 * Constraints whose schema (class-validator-jsonschema's converters, with Ajv counting string length in UTF-16
 * units and reading patterns without the `u` flag, as JavaScript's `.length` and class-validator's RegExp do)
 * accepts no value class-validator refuses. Several are stricter: @IsNotEmpty becomes a non-empty string,
 * @Min and @Max a number. Stricter is safe: such a body goes to class-validator, which decides.
 */
const EXPRESSED = new Set([
  'isString',
  'isBoolean',
  'isInt',
  'isArray',
  'isDefined',
  'isNotEmpty',
  'maxLength',
  'minLength',
  'min',
  'max',
  'arrayMinSize',
  'arrayMaxSize',
  'matches',
  'nestedValidation',
  'conditionalValidation',
  'isNumber',
  'isISO31661Alpha2',
]);

/**
 * Constraints the converters leave out or only approximate, checked by calling class-validator's own function
 * from a keyword of the same name (`cv:isNumber`), with the decorator's arguments.
 */
const DELEGATED: Record<string, (value: unknown, ...args: never[]) => boolean> = { isNumber, isISO31661Alpha2 };

/**
 * A validator compiled once from `target`'s class-validator constraints (the same classSchemas that publish
 * the Kafka messages' schemas), every object closed (whitelist + forbidNonWhitelisted), that passes a body
 * only if class-validator would: see EXPRESSED and DELEGATED. Throws NotCompilableError for a class with any
 * other constraint, a group, `always`, a flagged pattern or `each` on anything but nested validation.
 */
export function compileBodyCheck(target: ContractClass): BodyCheck {
  const problems = classValidationMetadata([target]).flatMap(problemWith);
  if (problems.length) throw new NotCompilableError(target, problems);
  const converters = Object.fromEntries(
    Object.keys(DELEGATED).map((name) => [name, (meta: ConstraintMetadata) => ({ [`cv:${name}`]: meta.constraints ?? [] })]),
  );
  const definitions = Object.fromEntries(Object.entries(classSchemas([target], converters)).map(([name, schema]) => [name, closed(schema)]));
  // unicode: false (deprecated in Ajv 8, still read by maxLength/minLength) counts UTF-16 units, as `.length` does.
  // Its deprecation notice is the one warning that could come (strict mode throws), hence no logger.
  // strictTypes off: @IsDefined's `not: { type: 'null' }` sits beside `type: 'array'`; unknown keywords still fail.
  const ajv = new Ajv({ strict: true, strictTypes: false, allErrors: false, unicodeRegExp: false, unicode: false, logger: false });
  for (const [name, check] of Object.entries(DELEGATED)) {
    ajv.addKeyword({ keyword: `cv:${name}`, schemaType: 'array', errors: false, validate: (args: never[], value: unknown) => passes(check, value, args) });
  }
  const validate = ajv.compile({ $ref: `#/definitions/${target.name}`, definitions });
  return (body) => validate(body);
}

/** A check that throws (class-validator's maxDecimalPlaces on `3e-323`, which JsonBodyReader refuses first) passes nothing. */
function passes(check: (value: unknown, ...args: never[]) => boolean, value: unknown, args: never[]): boolean {
  try {
    return check(value, ...args);
  } catch {
    return false;
  }
}

function problemWith(meta: ConstraintMetadata): string[] {
  const at = `${meta.target instanceof Function ? meta.target.name : String(meta.target)}.${meta.propertyName}`;
  const problems: string[] = [];
  if (!EXPRESSED.has(meta.type)) problems.push(`${at}: constraint ${meta.type}`);
  if (meta.type === 'conditionalValidation' && meta.name !== 'isOptional') problems.push(`${at}: @ValidateIf`);
  if (meta.type === 'matches' && (meta.constraints?.[0] as RegExp | undefined)?.flags) problems.push(`${at}: a pattern with flags`);
  if (meta.each && meta.type !== 'nestedValidation') problems.push(`${at}: ${meta.type} with each`);
  if (meta.groups?.length || meta.always) problems.push(`${at}: groups or always`);
  return problems;
}

/** An object schema that refuses properties it does not name (class-validator's forbidNonWhitelisted). */
function closed(schema: JsonSchema): JsonSchema {
  return schema.type === 'object' ? { ...schema, additionalProperties: false } : schema;
}

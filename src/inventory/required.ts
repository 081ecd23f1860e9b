/**
 * Marks a role variable that has no sensible default (a VIP, a peer address).
 * Its static type is the variable's type, so role code reads it as such; the engine
 * refuses to run a host whose merged variables still hold the marker, naming the
 * variable, the role and the host.
 */
export interface RequiredMarker {
  readonly __required: true;
  readonly kind: 'string' | 'number' | 'boolean' | 'array' | 'object';
}

function marker<T>(kind: RequiredMarker['kind']): T {
  return Object.freeze({ __required: true, kind }) as unknown as T;
}

export const required = {
  string: (): string => marker<string>('string'),
  number: (): number => marker<number>('number'),
  boolean: (): boolean => marker<boolean>('boolean'),
  array: <T>(): T[] => marker<T[]>('array'),
  object: <T extends object>(): T => marker<T>('object'),
};

export function isRequiredMarker(v: unknown): v is RequiredMarker {
  return typeof v === 'object' && v !== null && (v as RequiredMarker).__required === true;
}

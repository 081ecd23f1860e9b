// @linode/validation's schemas (the API's own request schemas), typed here because the package's
// declarations re-export their files without extensions, which NodeNext resolution cannot follow.
import * as validation from '@linode/validation';

export interface Schema {
  validateSync(value: unknown, options?: { abortEarly?: boolean; strict?: boolean }): unknown;
}

const schemas = validation as unknown as Record<'shareAddressesSchema' | 'CreateLinodeSchema' | 'ConfigProfileInterfacesSchema', Schema>;
export const { shareAddressesSchema, CreateLinodeSchema, ConfigProfileInterfacesSchema } = schemas;

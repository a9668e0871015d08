import openapiTS, { astToString } from 'openapi-typescript';

/**
 * The client's types (client/schema.ts) from the OpenAPI document's JSON text. Lives in the
 * client package because openapi-typescript needs the TypeScript 5 compiler API, which this
 * package installs for it (the API itself type-checks with TypeScript 7, which has none).
 */
export async function renderClientTypes(documentText: string): Promise<string> {
  // A field with a default stays optional in what the client sends (the API fills it in).
  const ast = await openapiTS(JSON.parse(documentText), { silent: true, defaultNonNullable: false });
  return `/**\n * Generated from openapi.json by \`npm run openapi\` (openapi-typescript); do not edit.\n */\n\n${astToString(ast)}`;
}

/** Request limits, shared by the pipeline and the OpenAPI document (which must not load the config). */
export const MAX_BODY_BYTES = 64 * 1024;

/** The version of this Tend build (OpenAPI document, health answer). */
export const VERSION = '0.1.0';

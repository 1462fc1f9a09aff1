/**
 * zod/mini loads no locale: without this, every issue's message is a bare "Invalid input". Each
 * schema module imports it for that side effect, so the catalog validator, the rejected-event
 * reasons and the logs say what is wrong ("Too small: expected string to have >=3 characters").
 * It must stay a module of its own: re-exporting the zod/mini namespace from a shared module
 * would stop esbuild from dropping the schema types a function does not use.
 */
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

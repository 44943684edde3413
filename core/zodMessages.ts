/**
 * Core's schemas use `zod/mini`, the tree-shakable functional API of zod (same parser and
 * issues as `zod`, without the method-chaining classes that carry every feature into a
 * bundle: about 20 KiB gzipped less page JavaScript, BENCHMARKS.md section 6). Unlike `zod`,
 * `zod/mini` loads no locale, so an issue without a message of our own would read
 * "Invalid input"; this module installs zod's English messages, exactly what `import "zod"`
 * installs, so the messages the API and CLI return do not depend on which entry loaded
 * first. Every core module that defines schemas imports it.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

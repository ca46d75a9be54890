/**
 * Every platform module, in the order their config sections appear. The
 * config loader reads their schemas and sections from here; the factory
 * (index.ts) builds the one a config names.
 */
import { IPFIRE_PLATFORM } from './ipfire.js';
import { LINUX_PLATFORM } from './linux.js';
import { OPNSENSE_PLATFORM } from './opnsense.js';
import { SIMULATED_PLATFORM } from './simulated.js';

export const PLATFORM_MODULES = [LINUX_PLATFORM, OPNSENSE_PLATFORM, IPFIRE_PLATFORM, SIMULATED_PLATFORM] as const;

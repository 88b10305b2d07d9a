import { z } from 'zod';

/** The `security` section of the configuration (strict: unknown keys are errors). */
export const securitySchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Switch security features on'),
  })
  .prefault({})
  .describe('Security');

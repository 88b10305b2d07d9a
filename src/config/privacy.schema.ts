import { z } from 'zod';

/** The `privacy` section of the configuration (strict: unknown keys are errors). */
export const privacySchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Switch privacy features on'),
  })
  .prefault({})
  .describe('Privacy');

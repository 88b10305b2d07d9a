import { z } from 'zod';

/** The `crowd` section of the configuration (strict: unknown keys are errors). */
export const crowdSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Switch crowd features on'),
  })
  .prefault({})
  .describe('Crowd');

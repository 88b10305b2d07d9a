import { z } from 'zod';

/** The `access` section of the configuration (strict: unknown keys are errors). */
export const accessSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Switch access features on'),
  })
  .prefault({})
  .describe('Access');

import { z } from 'zod';

export const registerInputSchema = z.strictObject({
  purpose: z.string().trim().min(3).max(500).describe('Why the camera exists, e.g. "traffic enforcement at a junction"'),
  legalBasis: z.string().trim().min(3).max(500).describe('The legal basis of the processing, e.g. "Road Traffic Ordinance (Cap. 374)"'),
  signage: z.boolean().describe('Signs tell people the area is under CCTV'),
  residentialFacing: z.boolean().describe('The view includes homes (windows, doorways): playback then needs a case'),
  notes: z.string().trim().max(2000).default('').describe('Anything else the Privacy Impact Assessment should record'),
});
export type RegisterInput = z.output<typeof registerInputSchema>;

export const registerEntrySchema = z.object({
  cameraId: z.string(),
  name: z.string(),
  owner: z.string(),
  ownerName: z.string().nullable(),
  district: z.string(),
  purpose: z.string().nullable().describe('null = not yet assessed'),
  legalBasis: z.string().nullable(),
  signage: z.boolean().nullable(),
  residentialFacing: z.boolean().nullable(),
  notes: z.string().nullable(),
  retentionDays: z.number().nullable().describe('Per-camera retention in days (null = the site default)'),
  masks: z.number().describe('Privacy mask polygons on the camera (src/privacy)'),
  analyticsEnabled: z.boolean(),
  updatedBy: z.string().nullable(),
  updatedAt: z.number().nullable(),
});
export type RegisterEntry = z.infer<typeof registerEntrySchema>;

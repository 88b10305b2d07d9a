import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { registerPlatesReadCommand } from './plates-read';

/**
 * The `plates` command group: `read` (this room) and, when the sightings room's file is present, its
 * `search`/`hotlist` commands from plates-admin.ts. The group is created here once so both rooms add to it.
 */
export async function registerPlatesCommands(program: Command): Promise<void> {
  const plates = program.command('plates').description('Number plates: read images and videos, search sightings, manage hotlists');
  registerPlatesReadCommand(plates);
  // Imported by path so this group works (and type-checks) before or without the sightings room's file.
  const admin = ['plates-admin.ts', 'plates-admin.js'].map((f) => path.join(import.meta.dirname, f)).find((f) => existsSync(f));
  if (admin) {
    const mod = (await import(pathToFileURL(admin).href)) as { registerPlateAdminCommands?: (plates: Command) => void };
    mod.registerPlateAdminCommands?.(plates);
  }
}

import { Command, CommanderError } from 'commander';
import { registerAnalyseCommand } from './commands/analyse';
import { registerAuditCommands } from './commands/audit';
import { registerBackupCommands } from './commands/backup';
import { registerHoldCommands } from './commands/holds';
import { registerCameraCommands } from './commands/cameras';
import { registerCapacityCommands } from './commands/capacity';
import { registerSimulateCommand } from './commands/simulate';
import { registerConfigCommands } from './commands/config';
import { registerCrowdCommands } from './commands/crowd';
import { registerDeviceCommands } from './commands/devices';
import { registerDetectCommand } from './commands/detect';
import { registerEvidenceCommands } from './commands/evidence';
import { registerOpenapiCommand } from './commands/openapi';
import { registerPlanCommands } from './commands/plan';
import { registerReidCommands } from './commands/reid';
import { registerSearchCommand } from './commands/search';
import { registerPlatesCommands } from './commands/plates';
import { registerPredictCommands } from './commands/predict';
import { registerRecordingCommands } from './commands/recording';
import { registerServeCommand } from './commands/serve';
import { registerTrackCommand } from './commands/track';
import { registerUserCommands } from './commands/users';
import { fail } from './output';

/**
 * `smartview` — one binary, several roles. Every command has --help; data goes to stdout
 * (--json: one object a line), everything else to stderr. Later issues add their commands in
 * src/cli/commands/ and register them here.
 */
// `smartview … | head` closes stdout early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const program = new Command('smartview')
  .description('SmartView: open, city-scale CCTV platform')
  .version('0.1.0')
  .showHelpAfterError('(add --help for usage)')
  .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
  .exitOverride();

registerServeCommand(program);
registerConfigCommands(program);
registerCameraCommands(program);
registerUserCommands(program);
registerAuditCommands(program);
registerEvidenceCommands(program);
registerHoldCommands(program);
registerRecordingCommands(program);
registerOpenapiCommand(program);
registerPlanCommands(program);
registerTrackCommand(program);
registerDetectCommand(program);
registerAnalyseCommand(program);
registerReidCommands(program);
registerSearchCommand(program);
await registerPlatesCommands(program);
registerPredictCommands(program);
registerCrowdCommands(program);
registerDeviceCommands(program);
registerCapacityCommands(program);
registerSimulateCommand(program);
registerBackupCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else {
    fail(err);
  }
}

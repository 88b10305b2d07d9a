import type { Command } from 'commander';
import { isoUtc } from '../../core/time';
import type { ProbeResult } from '../../media/probe';
import type { Coverage } from '../../record/coverage';
import { ApiClient } from '../client';
import { printJsonLine, printLine } from '../output';
import { parseTime } from './holds';

interface ServerOpts {
  url?: string;
  token?: string;
}

function serverOptions(cmd: Command): Command {
  return cmd.option('--url <url>', 'server URL (or SMARTVIEW_URL; default http://127.0.0.1:8080)').option('--token <token>', 'API token (or SMARTVIEW_TOKEN)');
}

/** `smartview recording probe|coverage`: through the running server's audited API. */
export function registerRecordingCommands(program: Command): void {
  const rec = program.command('recording').description('Camera streams and proof of recording (through the running server\'s audited API)');

  serverOptions(rec.command('probe <cameraId>'))
    .description('Probe a camera\'s stream: codec, size, fps, keyframe spacing, audio (kept as its last probe)')
    .option('--json', 'print the result as one JSON line')
    .action(async (cameraId: string, opts: ServerOpts & { json?: boolean }) => {
      const r = await new ApiClient(opts).json<ProbeResult>('POST', `/api/cameras/${encodeURIComponent(cameraId)}/probe`);
      if (opts.json) printJsonLine(r);
      else printLine(`${cameraId}\t${r.codec}${r.profile ? ` (${r.profile})` : ''}\t${r.width}x${r.height}\t${r.fps ?? '?'} fps\tkeyframe every ${r.gopSeconds ?? '?'} s\t${r.audio ? `audio ${r.audioCodec}` : 'no audio'}`);
    });

  serverOptions(rec.command('coverage <cameraId>'))
    .description('Proof of recording over a period: coverage % and every gap with its reason')
    .requiredOption('--from <time>', 'start: UTC ms or ISO 8601 with zone')
    .option('--to <time>', 'end: UTC ms or ISO 8601 with zone (default now)')
    .option('--json', 'print the report as one JSON line')
    .action(async (cameraId: string, opts: ServerOpts & { from: string; to?: string; json?: boolean }) => {
      const from = parseTime('--from', opts.from);
      const to = opts.to ? parseTime('--to', opts.to) : Date.now();
      const r = await new ApiClient(opts).json<Coverage & { cameraId: string }>('GET', `/api/cameras/${encodeURIComponent(cameraId)}/recording/coverage?from=${from}&to=${to}`);
      if (opts.json) return printJsonLine(r);
      printLine(`${cameraId}\t${isoUtc(r.fromMs)} – ${isoUtc(r.toMs)}\t${r.coveragePct} % recorded (${Math.round(r.recordedMs / 1000)} s)`);
      for (const g of r.gaps) printLine(`gap\t${isoUtc(g.startMs)}\t${isoUtc(g.endMs)}\t${Math.round((g.endMs - g.startMs) / 1000)} s\t${g.reason}`);
    });
}

#!/usr/bin/python3
"""A real RTSP server for SmartView's media tests and benchmarks (GStreamer's gst-rtsp-server).

Serves pre-encoded H.264 files, each on its own mount point, looped forever without re-encoding:
every file is demuxed and parsed once into memory (filesrc ! parsebin ! h264parse ! appsink), and
each client's media is an appsrc that replays those access units with timestamps that keep
increasing across loops, paced in real time by the RTSP server's sinks.

    /usr/bin/python3 test/support/rtsp-server.py --port 0 --mount /cam1=/tmp/a.mp4 \
        [--mount /cam2=/tmp/b.ts] [--user U --password P]

Prints `READY <port>` on stdout once it listens. Exits on SIGTERM/SIGINT, when its parent dies,
and with --exit-on-stdin-eof when stdin closes. Needs python3-gi, gir1.2-gst-rtsp-server-1.0 and gstreamer1.0-plugins-good/bad.
"""
import argparse
import ctypes
import signal
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

H264_CAPS = 'video/x-h264,stream-format=byte-stream,alignment=au'


def die_with_parent():
    """Linux: receive SIGTERM when the parent process dies, so no server outlives its test."""
    try:
        libc = ctypes.CDLL('libc.so.6', use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError as err:
        print(f'rtsp-server: cannot set the parent-death signal ({err}); relying on stdin', file=sys.stderr)


class Clip:
    """All access units of one file, in memory: [(bytes, pts_ns, dts_ns, duration_ns, delta)]."""

    def __init__(self, path):
        pipe = Gst.parse_launch(
            f'filesrc location="{path}" ! parsebin ! h264parse config-interval=-1 ! {H264_CAPS} ! appsink name=sink sync=false'
        )
        sink = pipe.get_by_name('sink')
        pipe.set_state(Gst.State.PLAYING)
        self.frames = []
        self.caps = None
        first = None
        while True:
            sample = sink.emit('pull-sample')
            if sample is None:
                break
            if self.caps is None:
                self.caps = sample.get_caps().to_string()
            buf = sample.get_buffer()
            ok, info = buf.map(Gst.MapFlags.READ)
            data = bytes(info.data)
            buf.unmap(info)
            pts = buf.pts if buf.pts != Gst.CLOCK_TIME_NONE else buf.dts
            dts = buf.dts if buf.dts != Gst.CLOCK_TIME_NONE else pts
            if first is None:
                first = dts
            delta = bool(buf.get_flags() & Gst.BufferFlags.DELTA_UNIT)
            self.frames.append([data, pts - first, dts - first, buf.duration, delta])
        bus = pipe.get_bus()
        err = bus.pop_filtered(Gst.MessageType.ERROR)
        pipe.set_state(Gst.State.NULL)
        if err is not None:
            raise RuntimeError(f'cannot read {path}: {err.parse_error()[0].message}')
        if not self.frames:
            raise RuntimeError(f'{path} holds no H.264 video (only pre-encoded H.264 files can be served)')
        durations = [f[3] for f in self.frames if f[3] != Gst.CLOCK_TIME_NONE]
        step = durations[0] if durations else 40_000_000
        for f in self.frames:
            if f[3] == Gst.CLOCK_TIME_NONE:
                f[3] = step
        self.length = max(f[1] for f in self.frames) + step  # one loop, in ns


class LoopFactory(GstRtspServer.RTSPMediaFactory):
    """One media per client: an appsrc that replays the clip in a loop."""

    def __init__(self, clip):
        super().__init__()
        self.clip = clip
        self.set_shared(False)
        self.set_launch(
            f'( appsrc name=src is-live=false format=time block=false max-bytes=2000000 caps="{clip.caps}" '
            '! rtph264pay name=pay0 pt=96 )'
        )
        self.connect('media-configure', self.on_configure)

    def on_configure(self, _factory, media):
        src = media.get_element().get_by_name('src')
        state = {'i': 0, 'offset': 0}
        src.connect('need-data', self.on_need_data, state)

    def on_need_data(self, src, _length, state):
        frames = self.clip.frames
        for _ in range(8):  # a few access units per call keep the callback rate low
            data, pts, dts, dur, delta = frames[state['i']]
            buf = Gst.Buffer.new_wrapped(data)
            buf.pts = pts + state['offset']
            buf.dts = dts + state['offset']
            buf.duration = dur
            if delta:
                buf.set_flags(Gst.BufferFlags.DELTA_UNIT)
            state['i'] += 1
            if state['i'] == len(frames):
                state['i'] = 0
                state['offset'] += self.clip.length
            if src.emit('push-buffer', buf) != Gst.FlowReturn.OK:
                return


def main():
    ap = argparse.ArgumentParser(description='RTSP test server: loops pre-encoded H.264 files')
    ap.add_argument('--port', type=int, default=0, help='TCP port (0 = any free port)')
    ap.add_argument('--host', default='127.0.0.1')
    ap.add_argument('--mount', action='append', required=True, help='/path=FILE (repeatable)')
    ap.add_argument('--user')
    ap.add_argument('--password')
    ap.add_argument('--exit-on-stdin-eof', action='store_true', help='quit when stdin closes (the parent died)')
    args = ap.parse_args()

    die_with_parent()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    clips = {}
    for spec in args.mount:
        path, sep, file = spec.partition('=')
        if not sep or not path.startswith('/') or not file:
            ap.error(f'--mount expects /path=FILE, got {spec!r}')
        if file not in clips:
            clips[file] = Clip(file)
        factory = LoopFactory(clips[file])
        if args.user is not None:
            factory.add_role_from_structure(
                Gst.Structure.new_from_string('user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true')
            )
        mounts.add_factory(path, factory)

    if args.user is not None:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, 'user')
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ''), token)
        server.set_auth(auth)

    loop = GLib.MainLoop()
    server_id = server.attach(None)
    if not server_id:
        print(f'rtsp-server: cannot listen on {args.host}:{args.port} (port in use?)', file=sys.stderr)
        sys.exit(2)
    print(f'READY {server.get_bound_port()}', flush=True)

    def quit_loop(*_):
        loop.quit()
        return False

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, quit_loop)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, quit_loop)
    if args.exit_on_stdin_eof:
        cond = GLib.IOCondition.HUP | GLib.IOCondition.IN | GLib.IOCondition.ERR
        GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.PRIORITY_DEFAULT, cond, quit_loop)
    loop.run()


if __name__ == '__main__':
    main()

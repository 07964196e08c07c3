"""Drive the sandboxed child: send the job, read frames, enforce time.

``run_in_child`` returns one :class:`Outcome` per check. A check that
overruns its time limit, or during which the child dies, is recorded as
such and the child is restarted for the checks after it, so one slow or
fatal function costs only its own checks. The whole submission shares one
wall-clock budget.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

from .check import Check
from .child import protocol
from .errors import GraderFailure
from .sandbox import Limits, SandboxInfo, prepare


@dataclass
class Outcome:
    """What the child reported for one check (decoded, untrusted)."""

    observations: Any = None
    error: dict | None = None          # the submission raised: type, message, where
    forbidden: list[str] = field(default_factory=list)
    failure: str | None = None         # the harness could not finish: timeout, crash, ...
    seconds: float = 0.0


@dataclass
class ChildReport:
    outcomes: dict[str, Outcome]
    import_error: dict | None = None
    import_forbidden: list[str] = field(default_factory=list)
    stderr: str = ""
    startup_failure: str | None = None
    seconds: float = 0.0


class _Channel:
    """Frames from the child's stdout, with deadlines and a size cap."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.fd = proc.stdout.fileno()
        self.buffer = b""
        self.total = 0
        self.closed = False

    def next_frame(self, deadline: float) -> dict | None:
        """The next frame; None on EOF; raise TimeoutError at the deadline."""
        while True:
            newline = self.buffer.find(b"\n")
            if newline >= 0:
                line, self.buffer = self.buffer[:newline], self.buffer[newline + 1:]
                if not line.strip():
                    continue
                return protocol.loads(line)
            if self.closed:
                return None
            if len(self.buffer) > protocol.MAX_FRAME_BYTES:
                raise protocol.ProtocolError("frame too large")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd], [], [], min(remaining, 1.0))
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                self.closed = True
                continue
            self.total += len(chunk)
            if self.total > 4 * protocol.MAX_FRAME_BYTES:
                raise protocol.ProtocolError("the child sent too much data")
            self.buffer += chunk


class _Tail:
    """Keep the first ``limit`` bytes of a stream; drain and drop the rest."""

    def __init__(self, stream: Any, limit: int):
        self.data = bytearray()
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, args=(stream, limit), daemon=True)
        self._thread.start()

    def _run(self, stream: Any, limit: int) -> None:
        try:
            while chunk := stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536):
                room = limit - len(self.data)
                if room > 0:
                    self.data += chunk[:room]
                self.dropped += max(0, len(chunk) - max(room, 0))
        except (OSError, ValueError):
            pass

    def text(self) -> str:
        self._thread.join(timeout=2)
        out = self.data.decode("utf-8", errors="replace")
        if self.dropped:
            out += f"\n[... {self.dropped} more bytes of output discarded]"
        return out


@dataclass
class Launched:
    """A child process started ahead of its job (it imports torch meanwhile)."""

    proc: subprocess.Popen
    prepared: Any
    tail: "_Tail"
    channel: "_Channel"

    def close(self) -> None:
        _kill(self.proc)
        self.tail.text()
        self.prepared.cleanup()


def launch(info: SandboxInfo, assignment: str, source: bytes, limits: Limits) -> Launched:
    """Start a sandboxed child for ``source``; it waits for its job on stdin."""
    prepared = prepare(info, assignment, source, limits)
    proc = subprocess.Popen(prepared.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=prepared.env or None, cwd=prepared.cwd,
                            start_new_session=True)
    return Launched(proc, prepared, _Tail(proc.stderr, limits.output_bytes), _Channel(proc))


def run_in_child(info: SandboxInfo, assignment: str, source: bytes, checks: Sequence[Check],
                 forbidden: dict, limits: Limits, launched: Launched | None = None) -> ChildReport:
    """Run ``checks`` against ``source`` in as many child processes as needed
    (the first may be one already ``launched``)."""
    start = time.monotonic()
    budget_end = start + limits.wall_seconds
    report = ChildReport(outcomes={})
    remaining = list(checks)
    stderr_parts: list[str] = []
    first = True
    while remaining:
        if time.monotonic() >= budget_end:
            for check in remaining:
                report.outcomes[check.id] = Outcome(failure=(
                    f"not run: the submission used up its time budget ({limits.wall_seconds:.0f} s in all)"))
            break
        done_ids, stderr, stop = _one_child(info, assignment, source, remaining, forbidden, limits,
                                            budget_end, report, first, launched if first else None)
        first = False
        if stderr.strip():
            stderr_parts.append(stderr)
        if stop:
            break
        remaining = [c for c in remaining if c.id not in done_ids]
    report.stderr = "\n".join(stderr_parts)
    report.seconds = time.monotonic() - start
    return report


def _one_child(info, assignment, source, checks, forbidden, limits, budget_end, report, first, launched=None):
    """One child process over ``checks``; returns (ids settled, stderr, stop)."""
    launched = launched or launch(info, assignment, source, limits)
    prepared, proc, tail, channel = launched.prepared, launched.proc, launched.tail, launched.channel
    job = {"assignment": assignment, "submission": prepared.submission_in_child, "forbidden": forbidden,
           "checks": [{"id": c.id, "probe": c.probe, "args": dict(c.args)} for c in checks]}
    settled: list[str] = []
    stop = False
    current: Check | None = None
    current_start = 0.0
    try:
        try:
            proc.stdin.write(json.dumps(job).encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        startup_deadline = min(time.monotonic() + limits.startup_seconds, budget_end)
        try:
            _expect(channel, "ready", startup_deadline)
        except TimeoutError:
            if startup_deadline < budget_end:
                _kill(proc)
                raise GraderFailure(f"the sandboxed grading process did not start within "
                                    f"{limits.startup_seconds:g} s (is the machine overloaded?)") from None
            # A restart after a slow or fatal check ran into the submission's own budget.
            for check in checks:
                report.outcomes[check.id] = Outcome(failure=(
                    f"not run: the submission used up its time budget ({limits.wall_seconds:.0f} s in all)"))
            return [c.id for c in checks], _finish(proc, tail), True
        except (EOFError, protocol.ProtocolError) as exc:
            # No student code has run yet: this is the grader's failure, not a score of 0.
            _kill(proc)
            detail = tail.text().strip().splitlines()
            raise GraderFailure(f"the sandboxed grading process failed to start ({exc})"
                                + (f": {detail[-1]}" if detail else "")) from None
        frame = _expect(channel, "imported", startup_deadline)
        if first:
            report.import_error = frame.get("error")
            report.import_forbidden = [str(x)[:200] for x in frame.get("forbidden") or []]
        if frame.get("error"):
            stop = True
            return [c.id for c in checks], _finish(proc, tail), stop
        for check in checks:
            current = check
            deadline = min(time.monotonic() + limits.check_seconds(check.timeout), budget_end)
            _expect(channel, "start", deadline, check.id)
            current_start = time.monotonic()
            frame = _expect(channel, "result", deadline, check.id)
            report.outcomes[check.id] = Outcome(
                observations=protocol.decode(frame.get("observations")),
                error=_clean_error(frame.get("error")),
                forbidden=[str(x)[:200] for x in frame.get("forbidden") or []],
                seconds=time.monotonic() - current_start)
            settled.append(check.id)
            current = None
        return settled, _finish(proc, tail), stop
    except TimeoutError:
        _kill(proc)
        if current is None:  # still starting up
            stop = True
            why = (f"the submission did not finish loading within {limits.startup_seconds:.0f} s "
                   "(an infinite loop or heavy work at the top level of the file?)")
            report.startup_failure = why
            return [c.id for c in checks], _finish(proc, tail), stop
        report.outcomes[current.id] = Outcome(failure=(
            f"too slow: stopped after {limits.check_seconds(current.timeout):g} s (the limit for this check). "
            "Look for an infinite loop, or vectorise Python loops over tensor elements"))
        settled.append(current.id)
        return settled, _finish(proc, tail), stop
    except (EOFError, protocol.ProtocolError) as exc:
        if isinstance(exc, EOFError):
            try:
                proc.wait(timeout=2)  # it is exiting: learn how, before killing
            except subprocess.TimeoutExpired:
                pass
        _kill(proc)
        status = _exit_status(proc)
        if current is None:
            stop = True
            report.startup_failure = f"the grading process {status} before the checks started ({exc})"
            return [c.id for c in checks], _finish(proc, tail), stop
        why = "" if isinstance(exc, EOFError) else f" ({exc})"
        report.outcomes[current.id] = Outcome(failure=(
            f"the grading process {status} during this check{why}: did your code call os._exit(), "
            "run out of memory, crash, or write to the grader's channel?"))
        settled.append(current.id)
        return settled, _finish(proc, tail), stop
    finally:
        _kill(proc)
        prepared.cleanup()


def _expect(channel: _Channel, event: str, deadline: float, check_id: str | None = None) -> dict:
    frame = channel.next_frame(deadline)
    if frame is None:
        raise EOFError("it exited")
    if frame.get("event") != event or (check_id is not None and frame.get("id") != check_id):
        raise protocol.ProtocolError(f"expected a {event!r} frame, got {str(frame.get('event'))[:40]!r}")
    return frame


def _clean_error(error: Any) -> dict | None:
    if not isinstance(error, dict):
        return None
    where = error.get("where") if isinstance(error.get("where"), dict) else None
    return {"type": str(error.get("type", "Error"))[:100], "message": str(error.get("message", ""))[:1000],
            "where": {"line": where.get("line") if isinstance(where.get("line"), int) else None,
                      "function": str(where.get("function", ""))[:100],
                      "code": str(where.get("code", ""))[:200]} if where else None}


def _kill(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.kill()
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _finish(proc: subprocess.Popen, tail: _Tail) -> str:
    _kill(proc)
    return tail.text()


def _exit_status(proc: subprocess.Popen) -> str:
    code = proc.poll()
    if code is None:
        return "stopped responding"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"was killed by {name}"
    return f"exited (status {code})"

"""The sandboxed harness: import one submission, run probes, report.

Reads one job (JSON) on stdin, writes frames (protocol.dumps) on what was
stdout; the submission's own prints go to stderr. Order of frames:
``ready``, ``imported``, then ``start``/``result`` per check, then ``done``.
The parent enforces every time limit and decides every score.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import traceback
from typing import Any, BinaryIO

MAX_JOB_BYTES = 4 * 1024 * 1024


def main() -> None:
    # Frames go to a private copy of stdout; the submission's prints go to stderr.
    channel = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    _drop_privileges(os.environ.get("DLGRADE_DROP_UID"))

    # torch first (after the privilege drop; ~1.3 s), then the job: the parent
    # starts this process early and sends the job once its own checks of the
    # source are done, so both imports of torch overlap.
    import torch  # noqa: F401

    from . import protocol
    from .probes import PROBES
    from .tripwire import Tripwire

    torch.set_num_threads(1)
    job = json.loads(sys.stdin.buffer.read(MAX_JOB_BYTES).decode("utf-8"))
    probes = PROBES[job["assignment"]]
    wire = Tripwire(job["forbidden"]["functions"], job["forbidden"]["aten"])
    send = _sender(channel, protocol)
    send({"event": "ready"})

    submission_path = job["submission"]
    with wire:
        module, error = _import_submission(job["assignment"], submission_path)
    send({"event": "imported", "error": error, "forbidden": wire.take()})
    if module is None:
        send({"event": "done"})
        os._exit(0)

    for check in job["checks"]:
        send({"event": "start", "id": check["id"]})
        observations: Any = None
        error = None
        try:
            probe = probes[check["probe"]]
            with wire:
                observations = probe(module, **check["args"])
        except BaseException as exc:  # noqa: BLE001 - SystemExit too: it is the submission's
            error = _describe(exc, submission_path)
        frame = {"event": "result", "id": check["id"], "error": error, "forbidden": wire.take()}
        try:
            frame["observations"] = protocol.encode(observations)
            send(frame)
        except BaseException as exc:  # noqa: BLE001
            send({"event": "result", "id": check["id"], "forbidden": frame["forbidden"],
                  "error": {"type": "EncodeError", "message": f"could not report observations: {exc}"[:500]}})
    send({"event": "done"})
    os._exit(0)  # skip atexit handlers the submission may have registered


def _sender(channel: BinaryIO, protocol: Any):
    def send(frame: dict) -> None:
        channel.write(protocol.dumps(frame))

    return send


def _drop_privileges(uid: str | None) -> None:
    """Fallback when the sandbox could not drop root before Python started
    (no setpriv): uid and gid both become ``uid``."""
    if os.getuid() == 0 and uid and uid.isdigit():
        os.setgroups([])
        os.setgid(int(uid))
        os.setuid(int(uid))


def _import_submission(name: str, path: str) -> tuple[Any, Any]:
    try:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module, None
    except BaseException as exc:  # noqa: BLE001
        return None, _describe(exc, path)


def _describe(exc: BaseException, submission_path: str) -> dict:
    """The exception in terms a student can act on: type, message, and the
    innermost line of *their* file that was running."""
    where = None
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == submission_path:
            where = {"line": frame.lineno, "function": frame.name, "code": (frame.line or "")[:200]}
            break
    if isinstance(exc, SyntaxError) and exc.filename == submission_path:
        where = {"line": exc.lineno, "function": "<module>", "code": (exc.text or "").strip()[:200]}
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "<unprintable>"
    return {"type": type(exc).__name__[:100], "message": message[:1000], "where": where}


if __name__ == "__main__":
    main()

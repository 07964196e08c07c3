"""Run the child harness in isolation: bubblewrap, a dropped uid, rlimits.

The child sees only what it needs: the system's shared libraries, the
Python runtime and its site-packages (with dlgrade's own packages hidden
under empty tmpfs mounts), the harness (``grader/child``, no secrets), one
submission (a private copy, read-only) and a size-limited scratch ``/tmp``.
It has no network (an empty network namespace), its own PID namespace (so
killing it kills every process it started), no view of the instructor's
home, the course directory, the repository or other submissions, and its
environment is cleared. Resource limits cap memory, CPU time, processes,
file size and open files; the parent caps wall time and output.

Without bubblewrap the grader refuses untrusted code unless the caller
explicitly accepts running it unisolated (``allow_unsandboxed=True``,
``--no-sandbox`` on the command line); the results then say so.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import SandboxUnavailable

CHILD_DIR = Path(__file__).resolve().parent / "child"
MOUNT_ROOT = "/opt/dlgrade"
CHILD_MOUNT = f"{MOUNT_ROOT}/dlgrade_child"
SUBMISSION_DIR = "/submission"
OUR_PACKAGES = ("grader", "reference", "assignments", "question_bank")
BOOT = ("import sys; sys.path.insert(0, {root!r}); "
        "from dlgrade_child.main import main; main()")


@dataclass(frozen=True)
class Limits:
    """Per-submission resource limits (defaults suit the course's checks)."""

    memory_bytes: int = 4 * 1024**3      # address space; torch alone maps ~1.5 GiB
    cpu_seconds: int = 600               # CPU time of the whole child
    processes: int = 32                  # new processes/threads the child may have
    file_bytes: int = 16 * 1024**2       # largest file it may write
    open_files: int = 256
    scratch_bytes: int = 64 * 1024**2    # size of its /tmp
    output_bytes: int = 64 * 1024        # stderr kept (the rest is discarded)
    startup_seconds: float = 60.0        # python + torch + the submission's import
    wall_seconds: float = 180.0          # everything, for one submission
    max_check_seconds: float | None = None  # caps every check's own limit (tests, quick runs)

    def check_seconds(self, check_timeout: float) -> float:
        return min(check_timeout, self.max_check_seconds) if self.max_check_seconds else check_timeout


@dataclass(frozen=True)
class SandboxInfo:
    """How untrusted code will run on this machine."""

    isolated: bool
    method: str          # "bubblewrap" or "none"
    detail: str          # a sentence for humans (and the JSON output)

    def as_json(self) -> dict:
        return {"isolated": self.isolated, "method": self.method, "detail": self.detail}


@functools.lru_cache(maxsize=1)
def probe_bubblewrap() -> tuple[bool, str]:
    """Whether bubblewrap exists and can create namespaces here, and why not."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False, "bubblewrap (bwrap) is not installed"
    cmd = [bwrap, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--die-with-parent"]
    if os.geteuid() != 0:
        cmd.append("--unshare-user")
    try:
        done = subprocess.run(cmd + ["true"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bubblewrap failed to start ({exc})"
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip().splitlines()
        return False, f"bubblewrap cannot create namespaces here ({why[-1] if why else done.returncode})"
    return True, bwrap


def describe(allow_unsandboxed: bool = False) -> SandboxInfo:
    """Pick the isolation method, or raise SandboxUnavailable."""
    ok, detail = probe_bubblewrap()
    if ok:
        who = "a dropped uid" if os.geteuid() == 0 else "a user namespace"
        return SandboxInfo(True, "bubblewrap",
                           f"bubblewrap: no network, private PID/IPC namespaces, read-only system, "
                           f"private /tmp, {who}, resource limits")
    if not allow_unsandboxed:
        raise SandboxUnavailable(
            f"refusing to run untrusted code: {detail}. Install bubblewrap "
            "(apt-get install bubblewrap), or pass --no-sandbox to run it UNISOLATED "
            "(only for code you trust, such as your own)")
    return SandboxInfo(False, "none",
                       f"NOT ISOLATED: {detail}; the submission ran with only resource limits "
                       "and could read and write anything this user can")


_uids = itertools.count()


def _sandbox_uid() -> int:
    """A uid no one else uses, so process limits count this child alone."""
    return 61000 + (os.getpid() * 16 + next(_uids)) % 3000


class PreparedChild:
    """A command line ready to start, and the files it needs."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: str, workdir: tempfile.TemporaryDirectory,
                 submission_in_child: str, uid: int | None):
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self._workdir = workdir
        self.submission_in_child = submission_in_child
        self.uid = uid

    def cleanup(self) -> None:
        self._workdir.cleanup()


def prepare(info: SandboxInfo, assignment: str, source: bytes, limits: Limits) -> PreparedChild:
    """Write the submission's private copy and build the command line."""
    workdir = tempfile.TemporaryDirectory(prefix="dlgrade-")
    root = Path(workdir.name)
    os.chmod(root, 0o755)
    subdir = root / "submission"
    subdir.mkdir(mode=0o755)
    copy = subdir / f"{assignment}.py"
    copy.write_bytes(source)
    os.chmod(copy, 0o644)
    python = sys.executable
    env = {"HOME": "/tmp", "TMPDIR": "/tmp", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0"}
    uid = None
    if info.method == "bubblewrap":
        is_root = os.geteuid() == 0
        uid = _sandbox_uid() if is_root else None
        setpriv = shutil.which("setpriv") if is_root else None
        if is_root and setpriv is None:
            env["DLGRADE_DROP_UID"] = str(uid)  # the harness drops root itself, before torch
        argv = [shutil.which("bwrap") or "bwrap", *_bwrap_args(limits, str(copy), assignment, env, is_root), "--"]
        argv += _prlimit(limits, extra_procs=0 if is_root else _user_process_count())
        if setpriv:
            argv += [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                     "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
        argv += [python, "-I", "-B", "-c", BOOT.format(root=MOUNT_ROOT)]
        return PreparedChild(argv, {}, "/", workdir, f"{SUBMISSION_DIR}/{assignment}.py", uid)
    # Unisolated: the same harness under resource limits only.
    link_root = root / "boot"
    link_root.mkdir()
    (link_root / "dlgrade_child").symlink_to(CHILD_DIR, target_is_directory=True)
    scratch = root / "scratch"
    scratch.mkdir()
    env.update(HOME=str(scratch), TMPDIR=str(scratch))
    argv = _prlimit(limits, extra_procs=_user_process_count()) + [
        python, "-I", "-B", "-c", BOOT.format(root=str(link_root))]
    return PreparedChild(argv, env, str(scratch), workdir, str(copy), None)


def _prlimit(limits: Limits, extra_procs: int) -> list[str]:
    prlimit = shutil.which("prlimit")
    if prlimit is None:  # util-linux is essential on Debian; be explicit if it is not
        raise SandboxUnavailable("prlimit (util-linux) is needed to set resource limits")
    return [prlimit, f"--as={limits.memory_bytes}", f"--cpu={limits.cpu_seconds}",
            f"--fsize={limits.file_bytes}", f"--nofile={limits.open_files}", "--core=0",
            f"--nproc={limits.processes + extra_procs}", "--"]


def _user_process_count() -> int:
    """Processes (threads included) of this user: RLIMIT_NPROC counts them all."""
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(list((entry / "task").iterdir()))
            except OSError:
                continue
    return count


def _bwrap_args(limits: Limits, submission: str, assignment: str, env: dict[str, str],
                is_root: bool) -> list[str]:
    args = ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    if not is_root:
        args += ["--unshare-user", "--disable-userns"]
    args += ["--ro-bind", "/usr", "/usr"]
    for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), f"/{top}"]
        elif path.is_dir():
            args += ["--ro-bind", str(path), f"/{top}"]
    args += ["--ro-bind-try", "/etc/ld.so.cache", "/etc/ld.so.cache",
             "--ro-bind-try", "/etc/localtime", "/etc/localtime",
             "--proc", "/proc", "--dev", "/dev",
             "--perms", "1777", "--size", str(limits.scratch_bytes), "--tmpfs", "/tmp"]
    made: set[str] = {"/", "/usr", "/tmp", "/proc", "/dev"}

    def parents(dest: str) -> list[str]:
        # bwrap would create missing parents as 0700 root dirs, which the
        # dropped uid could not traverse: create them 0755 explicitly.
        out = []
        for parent in reversed(Path(dest).parents):
            p = str(parent)
            if p not in made:
                made.add(p)
                out += ["--perms", "0755", "--dir", p]
        return out

    for path in python_roots():
        args += parents(path) + ["--ro-bind", path, path]
    for hidden in hidden_package_dirs():
        args += ["--tmpfs", hidden]
    args += parents(CHILD_MOUNT) + ["--ro-bind", str(CHILD_DIR), CHILD_MOUNT]
    args += parents(f"{SUBMISSION_DIR}/{assignment}.py") + [
        "--ro-bind", submission, f"{SUBMISSION_DIR}/{assignment}.py", "--chdir", "/tmp", "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args


def python_roots() -> list[str]:
    """Directories the child's Python needs: its prefixes and site-packages.

    Other sys.path entries (the current directory, a source checkout added
    by an editable install) are left out: they may hold solutions.
    """
    candidates = {sys.base_prefix, sys.prefix, os.path.dirname(os.path.realpath(sys.executable))}
    venv = os.path.dirname(os.path.dirname(os.path.abspath(sys.executable)))
    if os.path.isfile(os.path.join(venv, "pyvenv.cfg")):  # the venv itself, even when site did not run
        candidates.add(venv)
    for entry in sys.path:
        if entry and os.path.basename(entry.rstrip("/")) in ("site-packages", "dist-packages"):
            candidates.add(entry)
    real = sorted({os.path.realpath(p) for p in candidates if os.path.isdir(p)} |
                  {p for p in candidates if os.path.isdir(p)})
    kept: list[str] = []
    for path in real:  # parents first: skip what an earlier bind already covers
        if not any(path == k or path.startswith(k.rstrip("/") + "/") for k in kept):
            kept.append(path)
    return [p for p in kept if p not in ("/", "/usr") and not p.startswith("/usr/")]


def hidden_package_dirs() -> list[str]:
    """dlgrade's own package directories that fall inside a bound root."""
    roots = python_roots()
    found: list[str] = []
    for name in OUR_PACKAGES:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            for variant in {location, os.path.realpath(location)}:
                if any(variant.startswith(r.rstrip("/") + "/") or variant.startswith("/usr/") for r in roots):
                    found.append(variant)
    return sorted(set(found))


def iter_binds(info: SandboxInfo) -> Iterator[str]:
    """What the child can see, for `dlgrade sandbox` (human-readable)."""
    yield "/usr, /bin, /lib* (read-only system)"
    for root in python_roots():
        yield f"{root} (read-only Python runtime)"
    for hidden in hidden_package_dirs():
        yield f"{hidden} (hidden: empty)"
    yield f"{CHILD_DIR} as {CHILD_MOUNT} (read-only harness)"
    yield f"{SUBMISSION_DIR}/<assignment>.py (read-only copy of the one submission)"
    yield "/tmp (private scratch, size-limited)"

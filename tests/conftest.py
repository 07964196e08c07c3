"""Shared test fixtures: the device parameter, the sandbox, fixture files."""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    parser.addoption("--require-gpu", action="store_true",
                     help="fail (instead of skip) the GPU tests when no CUDA device is present")


def _devices():
    import torch

    devices = [pytest.param("cpu", id="cpu")]
    devices.append(pytest.param("cuda", id="cuda", marks=pytest.mark.gpu))
    return devices, torch.cuda.is_available()


DEVICES, HAVE_CUDA = _devices()


@pytest.fixture(params=DEVICES)
def device(request):
    """Runs a test on the CPU and, where there is one, on CUDA."""
    if request.param == "cuda" and not HAVE_CUDA:
        if request.config.getoption("--require-gpu"):
            pytest.fail("--require-gpu given but torch.cuda.is_available() is False")
        pytest.skip("no CUDA device")
    return request.param


def pytest_collection_modifyitems(config, items):
    if config.getoption("--require-gpu"):
        return
    for item in items:
        if "gpu" in item.keywords and not HAVE_CUDA:
            item.add_marker(pytest.mark.skip(reason="no CUDA device"))


@pytest.fixture(autouse=True, scope="session")
def one_thread():
    """The suite works on tiny tensors, two test workers at a time: extra
    intra-op threads only add contention (x100 slower seen on 2 cores)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def sandboxed():
    """Skip tests that need bubblewrap where it cannot run (never run hostile code unsandboxed)."""
    from grader.sandbox import probe_bubblewrap

    ok, detail = probe_bubblewrap()
    if not ok:
        pytest.skip(f"sandbox unavailable: {detail}")
    return True

"""The wire format carries observations and nothing that executes."""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest
import torch

from grader.child import protocol
from grader.child.protocol import Invalid, ProtocolError, Tensor


def roundtrip(value):
    return protocol.decode(json.loads(protocol.dumps({"v": protocol.encode(value)}))["v"])


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.float16, torch.int64, torch.bool])
def test_tensors_roundtrip_with_dtype_shape_and_grad_flag(dtype):
    t = (torch.arange(24).reshape(2, 3, 4) % 5).to(dtype)
    got = roundtrip(t)
    assert isinstance(got, Tensor)
    assert got.shape == (2, 3, 4) and got.torch_dtype == str(dtype).replace("torch.", "")
    np.testing.assert_array_equal(got.array, t.numpy())
    leaf = torch.ones(3, requires_grad=True)
    assert roundtrip(leaf * 2).requires_grad is True


def test_plain_values_and_special_floats_roundtrip():
    value = {"a": [1, 2.5, None, True, "x"], "nan": math.nan, "inf": -math.inf}
    got = roundtrip(value)
    assert got["a"] == [1, 2.5, None, True, "x"]
    assert math.isnan(got["nan"]) and got["inf"] == -math.inf


def test_subclasses_and_unknown_objects_become_invalid_markers():
    class Sneaky(torch.Tensor):
        pass

    assert isinstance(roundtrip(torch.zeros(2).as_subclass(Sneaky)), Invalid)
    assert "subclass" in roundtrip(torch.zeros(2).as_subclass(Sneaky)).why
    assert isinstance(roundtrip(object()), Invalid)
    assert isinstance(roundtrip(torch.zeros(2, dtype=torch.complex64)), Invalid)


@pytest.mark.parametrize("line", [
    b"cposix\nsystem\n(S'touch /tmp/x'\ntR.",                 # a pickle
    b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00.",          # binary pickle header
    b"[1, 2, 3]",                                               # JSON, not an object
    b"\xff\xfe not utf-8",
])
def test_malformed_frames_are_protocol_errors(line):
    with pytest.raises(ProtocolError):
        protocol.loads(line)


@pytest.mark.parametrize("spec", [
    {"dtype": "object", "shape": [1], "data": ""},                                    # not whitelisted
    {"dtype": "float64", "shape": [2], "data": base64.b64encode(b"\0" * 8).decode()},  # size mismatch
    {"dtype": "float64", "shape": [-1], "data": ""},
    {"dtype": "float64", "shape": [10**9, 10**9], "data": ""},
    {"dtype": "float64", "shape": [1], "data": "!!!not base64!!!"},
])
def test_bad_tensor_headers_are_rejected(spec):
    with pytest.raises(ProtocolError):
        protocol.decode({"__tensor__": spec})


def test_oversized_frames_are_rejected():
    with pytest.raises(ProtocolError):
        protocol.loads(b"{" + b" " * (protocol.MAX_FRAME_BYTES + 1) + b"}")

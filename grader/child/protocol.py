"""Observations on the wire: JSON lines, tensors as raw little-endian bytes.

The child (untrusted) encodes what a probe observed; the parent decodes it.
Decoding never executes code: it is ``json.loads`` plus ``numpy.frombuffer``
over a whitelist of dtypes, with sizes capped, so a submission that writes
a pickle (or anything else) on the channel only produces a protocol error.

A value is one of: None, bool, int, float, str, a list or a str-keyed dict
of values, a tensor ``{"__tensor__": {"dtype", "shape", "data"}}``, or an
invalid marker ``{"__invalid__": "why"}`` for something the probe could not
accept (a tensor subclass, an unsupported type).
"""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np

# dtypes that may cross the wire (numpy names); anything else is refused.
WIRE_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool")
MAX_TENSOR_ELEMENTS = 4_000_000
MAX_FRAME_BYTES = 64 * 1024 * 1024


class ProtocolError(ValueError):
    """The channel carried something that is not a well-formed frame."""


# --------------------------------------------------------------- encoding
# Bound once, at import time (before any submission is imported), so that a
# submission patching torch.Tensor methods cannot change how we read tensors.
try:  # the parent may import this module for decoding without torch loaded
    import torch as _torch

    _TENSOR = _torch.Tensor
    _detach = _torch.Tensor.detach
    _cpu = _torch.Tensor.cpu
    _contiguous = _torch.Tensor.contiguous
    _to = _torch.Tensor.to
    _numpy = _torch.Tensor.numpy
    _TORCH_TO_WIRE = {
        _torch.float16: "float16", _torch.float32: "float32", _torch.float64: "float64",
        _torch.bfloat16: "float32",  # widened: numpy has no bfloat16
        _torch.int8: "int8", _torch.int16: "int16", _torch.int32: "int32",
        _torch.int64: "int64", _torch.uint8: "uint8", _torch.bool: "bool",
    }
except ImportError:  # pragma: no cover - the parent always has torch
    _torch = None


def encode(value: Any, _depth: int = 0) -> Any:
    """Turn an observation into a JSON-able structure (tensors as bytes)."""
    if _depth > 20:
        return {"__invalid__": "nested too deeply"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if type(value) is int:
        return value
    if type(value) is float:
        return _encode_float(value)
    if _torch is not None and isinstance(value, _TENSOR):
        if type(value) is not _TENSOR and type(value) is not _torch.nn.Parameter:
            return {"__invalid__": f"a torch.Tensor subclass ({type(value).__name__}) instead of a plain torch.Tensor"}
        return _encode_tensor(value)
    if isinstance(value, np.ndarray) and type(value) is np.ndarray:
        return _encode_array(value)
    if type(value) in (list, tuple):
        return [encode(v, _depth + 1) for v in value]
    if type(value) is dict:
        return {str(k): encode(v, _depth + 1) for k, v in value.items()}
    return {"__invalid__": f"an object of type {type(value).__name__}"}


def _encode_float(x: float) -> Any:
    if math.isnan(x):
        return {"__float__": "nan"}
    if math.isinf(x):
        return {"__float__": "inf" if x > 0 else "-inf"}
    return x


def _encode_tensor(t: Any) -> Any:
    if t.is_complex() or t.dtype not in _TORCH_TO_WIRE:
        return {"__invalid__": f"a tensor of unsupported dtype {t.dtype}"}
    if t.layout != _torch.strided:
        return {"__invalid__": f"a tensor with layout {t.layout} (expected a dense tensor)"}
    wire = _TORCH_TO_WIRE[t.dtype]
    plain = _contiguous(_cpu(_detach(t)))
    if t.dtype == _torch.bfloat16:
        plain = _to(plain, _torch.float32)
    arr = _numpy(plain)
    out = _encode_array(arr, wire)
    out["__tensor__"]["torch_dtype"] = str(t.dtype).replace("torch.", "")
    out["__tensor__"]["device"] = str(t.device)
    out["__tensor__"]["requires_grad"] = bool(t.requires_grad)
    return out


def _encode_array(arr: np.ndarray, wire: str | None = None) -> Any:
    wire = wire or arr.dtype.name
    if wire not in WIRE_DTYPES:
        return {"__invalid__": f"an array of unsupported dtype {arr.dtype}"}
    if arr.size > MAX_TENSOR_ELEMENTS:
        return {"__invalid__": f"a tensor with {arr.size} elements (more than {MAX_TENSOR_ELEMENTS})"}
    data = np.ascontiguousarray(arr, dtype=np.dtype(wire).newbyteorder("<")).tobytes()
    return {"__tensor__": {"dtype": wire, "shape": list(arr.shape),
                           "data": base64.b64encode(data).decode("ascii")}}


def dumps(frame: dict) -> bytes:
    """One frame as one line of JSON."""
    return (json.dumps(frame, allow_nan=False, separators=(",", ":")) + "\n").encode("utf-8")


# --------------------------------------------------------------- decoding
class Tensor:
    """A decoded tensor: the numpy array plus what torch said about it."""

    __slots__ = ("array", "torch_dtype", "device", "requires_grad")

    def __init__(self, array: np.ndarray, torch_dtype: str, device: str, requires_grad: bool):
        self.array = array
        self.torch_dtype = torch_dtype
        self.device = device
        self.requires_grad = requires_grad

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.array.shape)

    def __repr__(self) -> str:
        return f"Tensor(shape={self.shape}, dtype={self.torch_dtype})"


class Invalid:
    """Something the child could not turn into an observation, and why."""

    __slots__ = ("why",)

    def __init__(self, why: str):
        self.why = why

    def __repr__(self) -> str:
        return f"Invalid({self.why!r})"


def loads(line: bytes) -> dict:
    """Parse one frame; raise ProtocolError on anything malformed."""
    if len(line) > MAX_FRAME_BYTES:
        raise ProtocolError(f"frame of {len(line)} bytes exceeds {MAX_FRAME_BYTES}")
    try:
        frame = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(f"not a JSON frame ({exc.__class__.__name__})") from None
    if not isinstance(frame, dict):
        raise ProtocolError("frame is not a JSON object")
    return frame


def decode(value: Any, _depth: int = 0) -> Any:
    """Inverse of :func:`encode`, into numpy-backed :class:`Tensor` objects."""
    if _depth > 24:
        raise ProtocolError("value nested too deeply")
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode(v, _depth + 1) for v in value]
    if not isinstance(value, dict):
        raise ProtocolError(f"unexpected JSON value {type(value).__name__}")
    if "__tensor__" in value:
        return _decode_tensor(value["__tensor__"])
    if "__invalid__" in value:
        return Invalid(str(value["__invalid__"])[:500])
    if "__float__" in value:
        special = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
        if value["__float__"] not in special:
            raise ProtocolError("bad special float")
        return special[value["__float__"]]
    return {str(k): decode(v, _depth + 1) for k, v in value.items()}


def _decode_tensor(spec: Any) -> Tensor:
    if not isinstance(spec, dict):
        raise ProtocolError("bad tensor header")
    dtype = spec.get("dtype")
    shape = spec.get("shape")
    data = spec.get("data")
    if dtype not in WIRE_DTYPES:
        raise ProtocolError(f"dtype {dtype!r} not allowed on the wire")
    if (not isinstance(shape, list) or len(shape) > 8
            or not all(type(s) is int and 0 <= s <= MAX_TENSOR_ELEMENTS for s in shape)):
        raise ProtocolError("bad tensor shape")
    if not isinstance(data, str):
        raise ProtocolError("bad tensor data")
    count = math.prod(shape)
    if count > MAX_TENSOR_ELEMENTS:
        raise ProtocolError("tensor too large")
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise ProtocolError("tensor data is not base64") from None
    np_dtype = np.dtype(dtype).newbyteorder("<")
    if len(raw) != count * np_dtype.itemsize:
        raise ProtocolError("tensor data does not match its shape")
    array = np.frombuffer(raw, dtype=np_dtype).astype(np.dtype(dtype), copy=True).reshape(shape)
    return Tensor(array, str(spec.get("torch_dtype", dtype))[:32], str(spec.get("device", "cpu"))[:32],
                  bool(spec.get("requires_grad", False)))

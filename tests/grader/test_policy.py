"""The static scan finds forbidden calls however they are spelled, and the
means to hide them, and charges them only to the checks that reach them."""

from __future__ import annotations

import textwrap

import pytest

from grader.checks.batchnorm import ASSIGNMENT as BN
from grader.policy import EVASION, FORBIDDEN, Rules, scan

RULES = Rules(BN.forbidden_functions, BN.forbidden_aten, BN.forbidden_prefixes)


def findings(source: str):
    return scan(textwrap.dedent(source), RULES).findings


def kinds(source: str) -> set[tuple[str, str]]:
    return {(f.kind, f.name) for f in findings(source)}


@pytest.mark.parametrize("source", [
    "import torch.nn.functional as F\ndef f(x): return F.batch_norm(x, None, None)",
    "from torch.nn import functional\ndef f(x): return functional.batch_norm(x, None, None)",
    "from torch.nn.functional import batch_norm as bn\ndef f(x): return bn(x, None, None)",
    "import torch\ndef f(x): return torch.nn.functional.batch_norm(x, None, None)",
    "import torch\ndef f(x): return torch.batch_norm(x)",
    "from torch import nn\nclass M(nn.BatchNorm2d): pass",
    "import torch.nn.modules.batchnorm as b\nm = b.BatchNorm2d(3)",
    "import torch\nop = torch.ops.aten.native_batch_norm",
    "import torch.nn as nn\ndef f(): return getattr(nn, 'BatchNorm2d')(3)",
    "from torch.nn.functional import *\ndef f(x): return batch_norm(x, None, None)",
    "import torch.nn.functional as F\ndef f(x): return F.layer_norm(x, (3,))",
])
def test_forbidden_spellings_are_found(source):
    assert any(f.kind == FORBIDDEN for f in findings(source)), findings(source)


@pytest.mark.parametrize("source,name", [
    ("import torch.nn.functional as F\ndef f(): return getattr(F, 'batch' + '_norm')", "getattr(torch.nn.functional, <computed name>)"),
    ("def f(): return eval('1')", "eval()"),
    ("def f(): exec('x = 1')", "exec()"),
    ("import importlib\n", "importlib"),
    ("def f(): return __import__('torch')", "__import__()"),
    ("import torch\ndef f(): return torch._C", "torch._C"),
    ("from torch._decomp import decompositions", "torch._decomp.decompositions"),
    ("import torch\nx = torch.nn.functional.__dict__", ".__dict__"),
    ("import sys\nm = sys.modules", "sys.modules"),
    ("import gc\n", "gc"),
    ("import ctypes\n", "ctypes"),
    ("import torch\nfrom torch.overrides import TorchFunctionMode", "torch.overrides.TorchFunctionMode"),
    ("def f(o): return o.__class__.__subclasses__()", ".__subclasses__"),
    ("import operator\ng = operator.attrgetter('x')", "operator.attrgetter"),
    ("import torch\naten = torch.ops.aten", "torch.ops.aten"),
    ("def f():\n    try:\n        1 / 0\n    except Exception as e:\n        return e.__traceback__.tb_frame",
     ".tb_frame"),
    ("import sys\ndef f(): return sys.exc_info()[2].tb_next.tb_frame.f_back.f_globals", ".f_globals"),
    ("import dlgrade_child.tripwire", "dlgrade_child.tripwire"),
    ("from grader.child import tripwire", "grader.child.tripwire"),
])
def test_evasion_is_flagged(source, name):
    got = kinds(source)
    assert (EVASION, name) in got, got


@pytest.mark.parametrize("source", [
    "import torch\ndef f(x): return x.var(dim=(0, 2, 3), unbiased=False)",
    "import torch\nimport torch.nn.functional as F\ndef f(x): return F.pad(F.relu(x), (1, 1))",
    "import torch\ndef f(x): return torch.ops.aten.add(x, x)",
    "import torch\ndef f(x): return torch.einsum('nchw,c->nchw', x, x[0, :, 0, 0])",
    "class M:\n    def f(self, name): return getattr(self, name)",
    "import math, os, time\ndef f(): return math.sqrt(2)",
    "from torch import nn\nclass B(nn.Module):\n    def __init__(self):\n        super().__init__()\n",
    "if __name__ == '__main__':\n    import torch\n    print(torch.nn.BatchNorm2d(3))",
])
def test_ordinary_code_is_not_flagged(source):
    assert findings(source) == ()


def test_forbidden_call_costs_only_the_targets_that_reach_it():
    source = """
    import torch.nn.functional as F

    def helper(x):
        return F.batch_norm(x, None, None, training=True)

    def uses_helper(x):
        return helper(x)

    class Clean:
        def forward(self, x):
            return x * 2

    class Dirty:
        def forward(self, x):
            return uses_helper(x)
    """
    result = scan(textwrap.dedent(source), RULES)
    assert [f.scope for f in result.tainted(["Dirty"])] == ["helper"]
    assert result.tainted(["Clean"]) == []


def test_top_level_statements_cost_everything_and_aliases_flow_through_names():
    result = scan("import torch.nn.functional as F\nprint(F.batch_norm)\n", RULES)
    assert result.tainted(["Anything"]) != []
    result = scan("import torch.nn.functional as F\nbn = F.batch_norm\n"
                  "class A:\n    def f(self, x): return bn(x)\nclass B:\n    pass\n", RULES)
    assert {f.scope for f in result.tainted(["A"])} == {"bn", "A"}
    assert result.tainted(["B"]) == []


def test_messages_name_the_line_and_the_call():
    (finding,) = findings("import torch.nn.functional as F\n\ndef f(x):\n    return F.batch_norm(x)\n")
    assert "line 4" in finding.message() and "torch.nn.functional.batch_norm" in finding.message()
    assert "in f" in finding.message()

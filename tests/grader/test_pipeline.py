"""Bad submissions become failed checks with clear messages, never a
crash: syntax errors, missing names, wrong signatures, NaN, wrong shapes."""

from __future__ import annotations

import pytest

from grader import api
from grader.sandbox import Limits

QUICK = Limits(max_check_seconds=5, wall_seconds=60)

HEADER = "import torch\nfrom torch import nn\n"
GOOD_INIT = ("    def __init__(self, num_features, eps=1e-5, momentum=0.1):\n"
             "        super().__init__()\n"
             "        self.eps, self.momentum = eps, momentum\n"
             "        self.weight = nn.Parameter(torch.ones(num_features))\n"
             "        self.bias = nn.Parameter(torch.zeros(num_features))\n"
             "        self.register_buffer('running_mean', torch.zeros(num_features))\n"
             "        self.register_buffer('running_var', torch.ones(num_features))\n")


def grade(tmp_path, source: str, **kw):
    path = tmp_path / "batchnorm.py"
    path.write_text(source)
    return api.grade("batchnorm", path, include_hidden=False, limits=QUICK, **kw)


def outputs(results) -> str:
    return "\n".join(t.output for t in results.tests)


def test_syntax_error_fails_every_check_with_the_line(tmp_path):
    results = grade(tmp_path, HEADER + "class BatchNorm2d(nn.Module)\n    pass\n")
    assert results.score == 0
    assert all("SyntaxError" in t.output and "line 3" in t.output for t in results.tests)


def test_missing_class(tmp_path, sandboxed):
    results = grade(tmp_path, HEADER + "class BatchNorm(nn.Module):\n    pass\n")
    assert results.score == 0
    assert "does not define BatchNorm2d" in outputs(results)
    assert any("does not define BatchNorm2d" in m for m in results.messages)


def test_wrong_constructor_signature(tmp_path, sandboxed):
    results = grade(tmp_path, HEADER + "class BatchNorm2d(nn.Module):\n"
                                       "    def __init__(self, num_features):\n"
                                       "        super().__init__()\n")
    assert results.score == 0
    assert "TypeError" in outputs(results) and "momentum" in outputs(results)


def test_nan_outputs(tmp_path, sandboxed):
    results = grade(tmp_path, HEADER + "class BatchNorm2d(nn.Module):\n" + GOOD_INIT +
                    "    def forward(self, x):\n        return x * float('nan') * self.weight[None, :, None, None]\n")
    assert "NaN at" in outputs(results)
    assert results.score < results.max_score


def test_wrong_shapes(tmp_path, sandboxed):
    results = grade(tmp_path, HEADER + "class BatchNorm2d(nn.Module):\n" + GOOD_INIT +
                    "    def forward(self, x):\n        return x.mean(dim=(2, 3)) * self.weight\n")
    assert "expected shape (4, 3, 5, 5), got (4, 3)" in outputs(results)


def test_error_in_forward_points_at_the_students_line(tmp_path, sandboxed):
    results = grade(tmp_path, HEADER + "class BatchNorm2d(nn.Module):\n" + GOOD_INIT +
                    "    def forward(self, x):\n        return x.view(-1, 7, 3)\n")
    text = results.tests[0].output
    assert "your code raised RuntimeError" in text
    assert "line 12, in forward: `return x.view(-1, 7, 3)`" in text


def test_not_utf8(tmp_path):
    path = tmp_path / "batchnorm.py"
    path.write_bytes(b"x = '\xff\xfe'\n")
    results = api.grade("batchnorm", path, include_hidden=False, limits=QUICK)
    assert results.score == 0 and "not valid UTF-8" in results.tests[0].output


def test_forbidden_call_costs_the_checks_it_touches_and_names_the_call(tmp_path, sandboxed):
    results = grade(tmp_path, HEADER + "import torch.nn.functional as F\n"
                    "class BatchNorm2d(nn.Module):\n" + GOOD_INIT +
                    "    def forward(self, x):\n"
                    "        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,\n"
                    "                            self.training, self.momentum, self.eps)\n")
    assert results.score == 0  # every visible check constructs BatchNorm2d, whose forward is tainted
    assert "torch.nn.functional.batch_norm, which this assignment forbids" in results.tests[0].output


@pytest.mark.parametrize("helper_uses_forbidden", [True, False])
def test_forbidden_call_in_unused_helper_costs_nothing(tmp_path, sandboxed, helper_uses_forbidden):
    helper = ("def _reference_for_my_tests(x):\n"
              "    return torch.nn.functional.batch_norm(x, None, None, training=True)\n"
              if helper_uses_forbidden else "")
    source = (HEADER + helper + "class BatchNorm2d(nn.Module):\n" + GOOD_INIT +
              "    def forward(self, x):\n"
              "        if self.training:\n"
              "            m = x.mean((0, 2, 3)); v = x.var((0, 2, 3), unbiased=False)\n"
              "            n = x.numel() // x.shape[1]\n"
              "            with torch.no_grad():\n"
              "                self.running_mean.lerp_(m, self.momentum)\n"
              "                self.running_var.lerp_(v * n / (n - 1), self.momentum)\n"
              "        else:\n"
              "            m, v = self.running_mean, self.running_var\n"
              "        s = (1, -1, 1, 1)\n"
              "        return (x - m.view(s)) / (v.view(s) + self.eps).sqrt() * self.weight.view(s) + self.bias.view(s)\n")
    results = grade(tmp_path, source)
    assert results.score == results.max_score, outputs(results)

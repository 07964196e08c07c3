"""Package-wide rules: no torch in the question bank, topics registered explicitly."""

from __future__ import annotations

import ast
from pathlib import Path

import question_bank
from question_bank.topic import Topic
from question_bank.topics import (
    TOPICS,
    conv_cost,
    conv_params,
    conv_shapes,
    dimensionality,
    formulas,
    layers,
    network,
    receptive,
    recurrent,
)

PACKAGE = Path(question_bank.__file__).parent


def test_question_bank_never_imports_torch_or_numpy() -> None:
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not roots & {"torch", "numpy"}, f"{path.name}:{node.lineno}"


def test_every_topic_object_is_registered_under_its_name() -> None:
    defined = {obj.name: obj for module in (conv_cost, conv_params, conv_shapes, dimensionality, formulas, layers,
                                            network, receptive, recurrent)
               for obj in vars(module).values() if isinstance(obj, Topic)}
    assert defined == TOPICS
    assert len(TOPICS) >= 20

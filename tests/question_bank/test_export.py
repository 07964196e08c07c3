"""Moodle XML and GIFT exports: structure checked by parsing them back."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from question_bank.errors import ExamError
from question_bank.exam import Exam, parse_slots
from question_bank.export import gift, gift_escape, lms_variants, moodle_xml

SECRET = "moodle export secret"
EXAM = Exam("final", "Final: CNNs {2025}", parse_slots("conv2d_output,edge_length_fraction:hard:2,lstm_params"), SECRET)


def test_moodle_structure() -> None:
    root = ET.fromstring(moodle_xml(EXAM, 4))
    assert root.tag == "quiz"
    questions = list(root)
    assert [q.get("type") for q in questions] == (["category"] + ["numerical"] * 4) * 3
    variants = lms_variants(EXAM, 4)
    categories = [q.findtext("category/text") for q in questions if q.get("type") == "category"]
    assert categories == [f"$course$/top/Final: CNNs {{2025}}/Q{j} {t}" for j, t in
                          enumerate(["conv2d_output", "edge_length_fraction", "lstm_params"], start=1)]
    numerical = [q for q in questions if q.get("type") == "numerical"]
    for q, expected in zip(numerical, [v for slot in variants for v in slot]):
        assert q.findtext("name/text").endswith(f"({expected.id})")
        assert q.find("questiontext").get("format") == "html"
        text = q.findtext("questiontext/text")
        assert text.startswith("<p>") and "nn." in text or "hypercube" in text
        answer = q.find("answer")
        assert answer.get("fraction") == "100"
        assert float(answer.findtext("text")) == pytest.approx(float(expected.answer))
        tolerance = float(answer.findtext("tolerance"))
        if expected.topic.kind == "integer":
            assert tolerance == 0
        else:
            assert tolerance == pytest.approx(1e-3 * float(expected.value), rel=1e-4)
    grades = [float(q.findtext("defaultgrade")) for q in numerical]
    assert grades == [1.0] * 4 + [2.0] * 4 + [1.0] * 4
    assert len({q.findtext("name/text") for q in numerical}) == 12


def test_moodle_escapes_markup() -> None:
    exam = Exam("x", "A <b>&</b> title", parse_slots("linear_params"), SECRET)
    document = moodle_xml(exam, 1)
    root = ET.fromstring(document)  # well-formed despite the title
    assert root.findtext("question/category/text") == "$course$/top/A <b>&<-b> title/Q1 linear_params"


def test_shape_and_formula_topics_are_refused() -> None:
    for layout in ("network_walk", "conv_output_formula"):
        with pytest.raises(ExamError, match="need a number"):
            moodle_xml(Exam("x", "t", parse_slots(layout), SECRET), 2)


GIFT_QUESTION = re.compile(
    r"^::(?P<title>(?:[^:\\{}~=#]|\\.)+)::(?P<text>(?:[^{}~=#:\\]|\\.)+)"
    r"\{#(?P<answer>-?[0-9.e+-]+):(?P<tol>[0-9.e+-]+)####(?P<feedback>(?:[^{}~=#:\\]|\\.)*)\}$"
)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def test_gift_syntax_of_every_question() -> None:
    document = gift(EXAM, 3)
    blocks = [b.strip("\n") for b in document.split("\n\n") if b.strip()]
    variants = [v for slot in lms_variants(EXAM, 3) for v in slot]
    questions = [b for b in blocks if b.startswith("::")]
    categories = [b for b in blocks if b.startswith("$CATEGORY:")]
    assert len(questions) == 9 and len(categories) == 3
    assert all(line.startswith("//") for b in blocks if not b.startswith(("::", "$CATEGORY")) for line in b.splitlines())
    for block, expected in zip(questions, variants):
        assert "\n" not in block
        match = GIFT_QUESTION.match(block)
        assert match, block
        assert _unescape(match["text"]) == expected.prompt
        assert _unescape(match["feedback"]) == expected.explanation()
        assert math.isclose(float(match["answer"]), float(expected.answer))
        assert float(match["tol"]) == (0 if expected.topic.kind == "integer" else pytest.approx(1e-3 * expected.value, rel=1e-4))


@pytest.mark.parametrize("char", list("~=#{}:\\"))
def test_gift_escapes_each_special_character(char: str) -> None:
    assert gift_escape(f"a{char}b") == f"a\\{char}b"
    assert gift_escape("line 1\nline 2") == "line 1\\nline 2"


def test_variant_count_bounds() -> None:
    with pytest.raises(ExamError):
        lms_variants(EXAM, 0)

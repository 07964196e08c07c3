"""Property-based tests of the checker (hypothesis).

* any correct integer, written in any equivalent form, is accepted;
* a different integer never is;
* arbitrary text never raises anything, and is judged quickly;
* arbitrary expressions from the allowed grammar (huge powers included)
  evaluate or are refused with AnswerRejected, quickly;
* rewritten formulas are accepted, formulas with another constant are not.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from question_bank.check import check_answer
from question_bank.errors import AnswerRejected
from question_bank.evaluate import evaluate
from question_bank.parse import parse_answer
from question_bank.question import make_question
from question_bank.topics import TOPICS

INTEGER_TOPICS = sorted(name for name, t in TOPICS.items() if t.kind == "integer")
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(min_value=0, max_value=10**9)


@st.composite
def equivalent_form(draw: st.DrawFn, n: int) -> str:
    """A random way of writing the integer ``n``."""
    a = draw(st.integers(-10**6, 10**6))
    k = draw(st.integers(1, 50))
    r = draw(st.integers(0, k - 1))
    form = draw(st.sampled_from([
        f"{n}", f"{n}.0", f"({a}) + ({n - a})", f"{n * k}/{k}", f"({n * k + r})//{k}", f"-(-({n}))",
        f"{n}*1", f"({n})^1", f"{n * 10}e-1", f"floor({n} + {r}/{k})", f"sqrt({n * n})" if n >= 0 else f"{n}",
    ]))
    pad = draw(st.sampled_from(["", " ", "  "]))
    return pad + form + pad


@PROPERTY
@given(topic=st.sampled_from(INTEGER_TOPICS), seed=seeds, data=st.data())
def test_any_equivalent_form_of_the_answer_is_accepted(topic: str, seed: int, data: st.DataObject) -> None:
    q = make_question(topic, seed)
    text = data.draw(equivalent_form(q.value))
    verdict = check_answer(q, text)
    assert verdict.correct, (q.id, text, verdict.feedback)


@PROPERTY
@given(topic=st.sampled_from(INTEGER_TOPICS), seed=seeds, delta=st.integers(-1000, 1000).filter(bool))
def test_a_different_integer_is_never_accepted(topic: str, seed: int, delta: int) -> None:
    q = make_question(topic, seed)
    verdict = check_answer(q, str(q.value + delta))
    assert not verdict.correct and verdict.status == "wrong"


@settings(max_examples=300, deadline=None)
@given(topic=st.sampled_from(sorted(TOPICS)), text=st.one_of(
    st.text(max_size=300),
    st.text(alphabet="0123456789+-*/()^.,xe ijk_floorsqrt*", max_size=120),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
))
def test_garbage_never_raises_and_is_judged_quickly(topic: str, text: str) -> None:
    start = time.perf_counter()
    verdict = check_answer(make_question(topic, 7), text)
    assert verdict.status in ("correct", "wrong", "rejected")
    assert isinstance(verdict.feedback, str) and "\n" not in verdict.feedback
    assert time.perf_counter() - start < 3.0


numbers = st.one_of(st.integers(0, 10**6).map(str), st.sampled_from(["9", "99", "0.5", "1e3", "2", "10"]))


def expressions(leaf: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "//", "**"]), inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.tuples(st.sampled_from(["floor", "ceil", "sqrt", "exp", "log", "factorial", "gamma", "-"]), inner)
            .map(lambda t: f"{t[0]}({t[1]})"),
        ),
        max_leaves=12,
    )


@settings(max_examples=300, deadline=None)
@given(text=expressions(numbers))
def test_grammar_expressions_evaluate_or_are_refused_quickly(text: str) -> None:
    start = time.perf_counter()
    try:
        evaluate(parse_answer(text))
    except AnswerRejected:
        pass
    assert time.perf_counter() - start < 0.5


@settings(max_examples=60, deadline=None)
@given(seed=seeds, data=st.data())
def test_rewritten_transpose_formula_is_accepted(seed: int, data: st.DataObject) -> None:
    q = make_question("conv_transpose_output_formula", seed)
    s = q.params["stride"]
    c = int(eval_at(q.answer, 0))  # the constant term of s*i + c
    a = data.draw(st.integers(-20, 20))
    m = data.draw(st.integers(1, 9))
    form = data.draw(st.sampled_from([
        f"{s}*(i + {a}) + {c - s * a}", f"({s * m}*i + {c * m})/{m}", f"{c} + i*{s}", f"(i - 1)*{s} + {c + s}",
    ]))
    assert check_answer(q, form).correct, (q.answer, form)
    wrong = data.draw(st.integers(-5, 5).filter(bool))
    assert not check_answer(q, f"{s}*i + {c + wrong}").correct


def eval_at(answer: str, i: int) -> float:
    from fractions import Fraction

    return float(evaluate(parse_answer(answer, {"i"}), {"i": Fraction(i)}))  # type: ignore[arg-type]

"""The curse of dimensionality: edge length to hold a fraction of uniform
data, and the inscribed hypersphere's share of the hypercube."""

from __future__ import annotations

import math
import random

from ..text import lines, real_instruction
from ..topic import Params, Topic

RTOL = 1e-3


def _edge_generate(rng: random.Random, level: int) -> Params:
    if level == 1:
        return {"fraction": rng.choice((0.1, 0.2, 0.25, 0.3, 0.5)), "dims": rng.choice((1, 2, 3))}
    if level == 2:
        return {"fraction": rng.choice((0.01, 0.05, 0.1, 0.2)), "dims": rng.randint(4, 10)}
    return {"fraction": rng.choice((0.001, 0.01, 0.05, 0.1)), "dims": rng.choice((10, 20, 50, 100, 1000))}


def _edge_answer(q: Params) -> float:
    return float(q["fraction"]) ** (1.0 / q["dims"])


EDGE_LENGTH_FRACTION = Topic(
    name="edge_length_fraction",
    title="Curse of dimensionality: edge length for a fraction of the data",
    generate=_edge_generate,
    prompt=lambda q: (
        f"Data are uniform in the unit hypercube [0, 1]^{q['dims']} ({q['dims']} dimension{'s' if q['dims'] > 1 else ''}). "
        "What edge length "
        f"must a sub-cube have to contain a fraction {q['fraction']:g} of the data? " + real_instruction(RTOL)
    ),
    answer=_edge_answer,
    explain=lambda q: lines(
        "A sub-cube of edge e holds the fraction e^d of uniform data, so e^d = r and e = r^(1/d).",
        f"e = {q['fraction']:g}^(1/{q['dims']}) = {_edge_answer(q):.6g}",
        f"(to capture {q['fraction']:.1%} of the data each edge must span {_edge_answer(q):.1%} of its range:"
        " in high dimensions a 'local' neighbourhood is not local at all)",
    ),
    hint=lambda q: "The volume of a cube of edge e in d dimensions is e^d; set it equal to the fraction r.",
    kind="real",
    rtol=RTOL,
    mistakes=lambda q: [
        (float(q["fraction"]) / q["dims"] if q["dims"] > 1 else None, "the edge is the d-th root of r, not r/d."),
        (float(q["fraction"]) ** q["dims"] if q["dims"] > 1 else None, "that is r^d, the fraction held by an edge of r."),
    ],
)


def _ratio_generate(rng: random.Random, level: int) -> Params:
    return {"dims": rng.choice(((2, 3), (4, 5, 6), tuple(range(7, 21)))[level - 1])}


def sphere_cube_ratio(d: int) -> float:
    """Volume of the ball of radius 1/2 over the unit cube: ``π^(d/2) / (2^d Γ(d/2 + 1))``."""
    return math.pi ** (d / 2) / (2**d * math.gamma(d / 2 + 1))


def _ratio_explain(q: Params) -> str:
    d = q["dims"]
    return lines(
        "A ball of radius R in d dimensions has volume V = π^(d/2) R^d / Γ(d/2 + 1).",
        "The ball inscribed in the unit cube has R = 1/2 and the cube has volume 1, so",
        "  ratio = π^(d/2) / (2^d · Γ(d/2 + 1))",
        f"with d = {d}: π^{d / 2:g} = {math.pi ** (d / 2):.6g}, 2^{d} = {2**d}, Γ({d / 2 + 1:g}) = {math.gamma(d / 2 + 1):.6g}",
        f"  ratio = {math.pi ** (d / 2):.6g} / ({2**d} · {math.gamma(d / 2 + 1):.6g}) = {sphere_cube_ratio(d):.6g}",
        "The ratio goes to 0 as d grows: almost all of a high-dimensional cube's volume is in its corners.",
    )


HYPERSPHERE_VOLUME_RATIO = Topic(
    name="hypersphere_volume_ratio",
    title="Curse of dimensionality: hypersphere vs hypercube volume",
    generate=_ratio_generate,
    prompt=lambda q: (
        f"In {q['dims']} dimensions, what fraction of the volume of the unit hypercube lies inside the "
        "hypersphere inscribed in it (radius 1/2, centred in the cube)? " + real_instruction(RTOL)
    ),
    answer=lambda q: sphere_cube_ratio(q["dims"]),
    explain=_ratio_explain,
    hint=lambda q: "V_ball(R) = π^(d/2)·R^d / Γ(d/2 + 1) with R = 1/2; the cube's volume is 1.",
    kind="real",
    rtol=RTOL,
    mistakes=lambda q: [
        (math.pi ** (q["dims"] / 2) / math.gamma(q["dims"] / 2 + 1), "the inscribed ball has radius 1/2, not 1."),
    ],
)

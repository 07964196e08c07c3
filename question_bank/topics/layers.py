"""Parameters of Linear, BatchNorm2d (parameters vs buffers) and MultiheadAttention."""

from __future__ import annotations

import random

from ..text import bias_term, grouped, lines, yes_no
from ..topic import Params, Topic

# ------------------------------------------------------------------ linear_params


def _linear_generate(rng: random.Random, level: int) -> Params:
    sizes = (2, 3, 10, 16, 32, 64, 100, 128) if level == 1 else (3, 10, 64, 100, 128, 256, 300, 512, 784, 1000, 1024, 4096)
    return {"in_features": rng.choice(sizes), "out_features": rng.choice(sizes), "bias": level == 1 or rng.chance(0.6)}


def _linear_answer(q: Params) -> int:
    return q["in_features"] * q["out_features"] + (q["out_features"] if q["bias"] else 0)


LINEAR_PARAMS = Topic(
    name="linear_params",
    title="Linear parameter count",
    generate=_linear_generate,
    prompt=lambda q: (
        f"How many learnable parameters does nn.Linear(in_features={q['in_features']}, "
        f"out_features={q['out_features']}, bias={yes_no(q['bias'])}) have?"
    ),
    answer=_linear_answer,
    explain=lambda q: lines(
        f"weight: (out_features, in_features) = ({q['out_features']}, {q['in_features']}) → "
        f"{grouped(q['in_features'] * q['out_features'])}",
        f"bias: {'(out_features,) → ' + str(q['out_features']) if q['bias'] else 'none (bias=False)'}",
        f"total = {grouped(q['in_features'] * q['out_features'])}{bias_term(q['bias'], q['out_features'])}"
        f" = {grouped(_linear_answer(q))}",
    ),
    hint=lambda q: "weight is (out, in); the bias adds one parameter per output.",
    mistakes=lambda q: [
        (q["in_features"] * q["out_features"] if q["bias"] else None, "you left out the bias (out_features terms)."),
        ((q["in_features"] + 1) * q["out_features"] if not q["bias"] else None, "bias=False: no bias vector."),
        (q["in_features"] * q["out_features"] + q["in_features"] if q["bias"] and q["in_features"] != q["out_features"] else None,
         "there is one bias per output feature, not per input."),
    ],
    module="nn.Linear",
)


# ---------------------------------------------------------------- batchnorm_params


def _bn_generate(rng: random.Random, level: int) -> Params:
    c = rng.choice((8, 16, 32, 64, 128, 256, 512))
    affine = track = True
    count = "parameters" if level == 1 else rng.choice(("parameters", "buffers", "buffers"))
    if level == 3:
        affine, track = rng.chance(0.6), rng.chance(0.6)
    return {"num_features": c, "affine": affine, "track_running_stats": track, "count": count}


def _bn_answer(q: Params) -> int:
    c = q["num_features"]
    if q["count"] == "parameters":
        return 2 * c if q["affine"] else 0
    return 2 * c + 1 if q["track_running_stats"] else 0


def _bn_explain(q: Params) -> str:
    c = q["num_features"]
    params = (
        f"parameters (learned by the optimiser): weight γ ({c},) and bias β ({c},) → 2·{c} = {2 * c}"
        if q["affine"] else "parameters: none, affine=False"
    )
    buffers = (
        f"buffers (in state_dict, not learned): running_mean ({c},), running_var ({c},) and the scalar "
        f"num_batches_tracked → 2·{c} + 1 = {2 * c + 1}"
        if q["track_running_stats"] else "buffers: none, track_running_stats=False (batch statistics are always used)"
    )
    return lines(params, buffers, f"asked for the {q['count']}: {_bn_answer(q)}")


BATCHNORM_PARAMS = Topic(
    name="batchnorm_params",
    title="BatchNorm2d parameters vs buffers",
    generate=_bn_generate,
    prompt=lambda q: (
        f"Consider nn.BatchNorm2d({q['num_features']}, affine={yes_no(q['affine'])}, "
        f"track_running_stats={yes_no(q['track_running_stats'])}). "
        + (
            "How many learnable parameters (elements of module.parameters()) does it have?"
            if q["count"] == "parameters"
            else "How many elements do its buffers hold in total (module.buffers(), num_batches_tracked included)?"
        )
    ),
    answer=_bn_answer,
    explain=_bn_explain,
    hint=lambda q: "γ and β are parameters (affine=True); running_mean, running_var and num_batches_tracked are buffers.",
    mistakes=lambda q: [
        (4 * q["num_features"] if q["count"] == "parameters" and q["affine"] else None,
         "only γ and β are learned; running_mean and running_var are buffers."),
        (2 * q["num_features"] if q["count"] == "buffers" and q["track_running_stats"] else None,
         "num_batches_tracked is a buffer too (one element)."),
    ],
    module="nn.BatchNorm2d",
)


# ------------------------------------------------------------------- mha_params


def _mha_generate(rng: random.Random, level: int) -> Params:
    heads = rng.choice((1, 2, 4, 8, 12, 16))
    e = heads * rng.choice((8, 16, 32, 64))
    q: Params = {"embed_dim": e, "num_heads": heads, "bias": True, "add_bias_kv": False, "kdim": e, "vdim": e}
    if level >= 2:
        q["bias"] = rng.chance(0.6)
        q["add_bias_kv"] = rng.chance(0.3)
    if level == 3:
        q["kdim"], q["vdim"] = rng.choice((32, 64, 100, 128, 256, e)), rng.choice((32, 64, 100, 128, 256, e))
    return q


def _mha_parts(q: Params) -> list[tuple[str, int]]:
    e, kd, vd, bias = q["embed_dim"], q["kdim"], q["vdim"], q["bias"]
    if kd == e and vd == e:
        parts = [(f"in_proj_weight (3·{e}, {e})", 3 * e * e)]
    else:
        parts = [(f"q_proj_weight ({e}, {e})", e * e), (f"k_proj_weight ({e}, {kd})", e * kd),
                 (f"v_proj_weight ({e}, {vd})", e * vd)]
    if bias:
        parts.append((f"in_proj_bias (3·{e},)", 3 * e))
    parts.append((f"out_proj.weight ({e}, {e})", e * e))
    if bias:
        parts.append((f"out_proj.bias ({e},)", e))
    if q["add_bias_kv"]:
        parts.append((f"bias_k and bias_v, (1, 1, {e}) each", 2 * e))
    return parts


MHA_PARAMS = Topic(
    name="mha_params",
    title="MultiheadAttention parameter count",
    generate=_mha_generate,
    prompt=lambda q: (
        f"How many learnable parameters does nn.MultiheadAttention(embed_dim={q['embed_dim']}, "
        f"num_heads={q['num_heads']}, bias={yes_no(q['bias'])}, add_bias_kv={yes_no(q['add_bias_kv'])}, "
        f"kdim={q['kdim']}, vdim={q['vdim']}) have?"
    ),
    answer=lambda q: sum(n for _, n in _mha_parts(q)),
    explain=lambda q: lines(
        [f"{name} → {grouped(n)}" for name, n in _mha_parts(q)],
        f"total = {' + '.join(grouped(n) for _, n in _mha_parts(q))} = {grouped(sum(n for _, n in _mha_parts(q)))}",
        f"(num_heads = {q['num_heads']} splits embed_dim into heads of {q['embed_dim'] // q['num_heads']}; "
        "it does not change the count)",
    ),
    hint=lambda q: (
        "Q, K, V projections (E×E, E×kdim, E×vdim) + output projection E×E, plus biases 3E + E; "
        "the number of heads does not change the count."
    ),
    mistakes=lambda q: [
        (sum(n for _, n in _mha_parts(q)) * q["num_heads"] if q["num_heads"] > 1 else None,
         "the heads split embed_dim; they do not multiply the parameters."),
        (sum(n for _, n in _mha_parts(q)) - q["embed_dim"] ** 2, "don't forget the output projection out_proj (E×E)."),
    ],
    module="nn.MultiheadAttention",
)

"""Probes: what the harness does with a submission for one check.

A probe is ``probe(api, **args) -> dict`` where ``api`` is the submission's
module (in the child) or an oracle namespace built from torch's own
functions (in the parent), and ``args`` is the check's JSON recipe. It must
be deterministic given ``args``: inputs come from a seeded generator of
their own, never from the global RNG the submission may have consumed.
The same probe run on both sides gives two observation dicts for the parent
to compare.
"""

from . import batchnorm, conv, gan, lstm, vae

# Explicit registry: assignment name -> {probe name: function}.
PROBES = {
    "batchnorm": batchnorm.PROBES,
    "conv": conv.PROBES,
    "gan": gan.PROBES,
    "lstm": lstm.PROBES,
    "vae": vae.PROBES,
}

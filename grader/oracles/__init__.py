"""Oracles that would be solutions if shipped.

Most assignments' oracles are torch's own built-ins. Where no built-in
exists, the oracle is written here, from torch's primitives, and is left
out of the student bundle like the hidden checks and the mistakes: the
bundle carries the oracle's observations on the visible checks instead
(``grader/fingerprint_data/ASSIGNMENT.json``, key ``"oracle"``), which the
pipeline reads when this package is absent.
"""

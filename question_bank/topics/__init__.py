"""The topic registry: every topic listed here, by hand, in teaching order.

No discovery by naming convention or ``import *``: adding a topic means
adding one line below (and its torch test in tests/question_bank).
"""

from __future__ import annotations

from ..errors import UnknownTopic
from ..topic import Topic
from .conv_cost import CONV2D_FLOPS, CONV2D_MACS
from .conv_params import (
    CONV2D_PARAMS,
    DEPTHWISE_SEPARABLE_PARAMS,
    FC_AFTER_CONV_PARAMS,
    GROUPED_CONV2D_PARAMS,
    STACKED_3X3_SAVING,
)
from .conv_shapes import CONV2D_OUTPUT, CONV_TRANSPOSE2D_OUTPUT, DILATED_CONV2D_OUTPUT, POOL2D_OUTPUT
from .dimensionality import EDGE_LENGTH_FRACTION, HYPERSPHERE_VOLUME_RATIO
from .formulas import CONV_OUTPUT_FORMULA, CONV_TRANSPOSE_OUTPUT_FORMULA, PARAM_COUNT_FORMULA
from .layers import BATCHNORM_PARAMS, LINEAR_PARAMS, MHA_PARAMS
from .network import NETWORK_WALK
from .receptive import RECEPTIVE_FIELD
from .recurrent import GRU_PARAMS, LSTM_PARAMS

TOPICS: dict[str, Topic] = {
    topic.name: topic
    for topic in (
        # the seven topics fixed by SPEC §4
        CONV2D_OUTPUT,
        CONV_TRANSPOSE2D_OUTPUT,
        POOL2D_OUTPUT,
        CONV2D_PARAMS,
        LINEAR_PARAMS,
        LSTM_PARAMS,
        GRU_PARAMS,
        # shapes and receptive fields
        DILATED_CONV2D_OUTPUT,
        RECEPTIVE_FIELD,
        NETWORK_WALK,
        # parameters and cost
        GROUPED_CONV2D_PARAMS,
        DEPTHWISE_SEPARABLE_PARAMS,
        STACKED_3X3_SAVING,
        FC_AFTER_CONV_PARAMS,
        BATCHNORM_PARAMS,
        MHA_PARAMS,
        CONV2D_MACS,
        CONV2D_FLOPS,
        # curse of dimensionality
        EDGE_LENGTH_FRACTION,
        HYPERSPHERE_VOLUME_RATIO,
        # formulas
        CONV_OUTPUT_FORMULA,
        CONV_TRANSPOSE_OUTPUT_FORMULA,
        PARAM_COUNT_FORMULA,
    )
}


def get_topic(name: str) -> Topic:
    """The topic called ``name``.

    Raises:
        UnknownTopic: with the list of known topics in the message.
    """
    try:
        return TOPICS[name]
    except KeyError:
        shown = name if len(name) <= 40 else name[:37] + "..."
        raise UnknownTopic(
            f"unknown topic {shown!r}; known topics: {', '.join(TOPICS)}"
        ) from None

# SPDX-License-Identifier: Apache-2.0
"""The omnictx.v1 protobuf messages: ``omnictx.proto.context_pb2`` and
friends, the same modules as ``omnictx.v1.*_pb2``.

    from omnictx.proto import context_pb2
    message = context_pb2.Context.FromString(ctx.to_proto_bytes())
"""

from ..v1 import context_pb2, journey_pb2, merge_pb2, metrics_pb2, model_pb2

__all__ = ["context_pb2", "journey_pb2", "merge_pb2", "metrics_pb2", "model_pb2"]

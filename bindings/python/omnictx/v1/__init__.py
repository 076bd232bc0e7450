# SPDX-License-Identifier: Apache-2.0
"""The generated omnictx.v1 protobuf modules (model_pb2, journey_pb2,
context_pb2, merge_pb2, metrics_pb2), built by protoc from proto/omnictx/v1/*.proto.

They live here because the generated code imports its siblings as
``omnictx.v1.<name>_pb2``. Use them for interop (for example
``context_pb2.Context.FromString(ctx.to_proto_bytes())``); the omnictx
objects are the primary API.
"""

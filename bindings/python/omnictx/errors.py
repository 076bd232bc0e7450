# SPDX-License-Identifier: Apache-2.0
"""Exceptions raised by omnictx.

Every C++ status code maps to one class here (see ``error_class``); every
class derives from :class:`Error`. ``InvalidArgumentError`` is also a
``ValueError`` and ``NotFoundError`` a ``KeyError``, so code that expects
those built-in exceptions keeps working. The message is the status message:
it names the field and the problem, never the customer's data.
"""

from __future__ import annotations

from typing import Dict, Type

__all__ = [
    "Error",
    "CancelledError",
    "UnknownError",
    "InvalidArgumentError",
    "DeadlineExceededError",
    "NotFoundError",
    "AlreadyExistsError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "FailedPreconditionError",
    "AbortedError",
    "OutOfRangeError",
    "UnimplementedError",
    "InternalError",
    "UnavailableError",
    "DataLossError",
    "UnauthenticatedError",
    "error_class",
]


class Error(Exception):
    """Base class of every omnictx error.

    ``code`` is the numeric status code (``absl::StatusCode``) and
    ``code_name`` its name, e.g. ``"NOT_FOUND"``.
    """

    code: int = 2
    code_name: str = "UNKNOWN"


class CancelledError(Error):
    """The operation was cancelled."""

    code = 1
    code_name = "CANCELLED"


class UnknownError(Error):
    """An error without a more specific code (also any unrecognized code)."""

    code = 2
    code_name = "UNKNOWN"


class InvalidArgumentError(Error, ValueError):
    """Bad input: the message names the field and what is wrong with it."""

    code = 3
    code_name = "INVALID_ARGUMENT"


class DeadlineExceededError(Error):
    """The operation did not finish in time."""

    code = 4
    code_name = "DEADLINE_EXCEEDED"


class NotFoundError(Error, KeyError):
    """Something named by the call does not exist (a customer, a case ...)."""

    code = 5
    code_name = "NOT_FOUND"

    def __str__(self) -> str:
        # KeyError.__str__ quotes its argument; this is a sentence.
        return Exception.__str__(self)


class AlreadyExistsError(Error):
    """The thing to create exists already (an identity owned by another
    customer, an external id used by another customer's interaction ...)."""

    code = 6
    code_name = "ALREADY_EXISTS"


class PermissionDeniedError(Error):
    """The caller may not do this."""

    code = 7
    code_name = "PERMISSION_DENIED"


class ResourceExhaustedError(Error):
    """A limit was reached (the disk is full, a merge is too large ...)."""

    code = 8
    code_name = "RESOURCE_EXHAUSTED"


class FailedPreconditionError(Error):
    """The store is not in a state that allows the call (a journey
    transition that is not allowed, a write to a read-only store, a file
    written by a newer omnictx ...)."""

    code = 9
    code_name = "FAILED_PRECONDITION"


class AbortedError(Error):
    """The operation was aborted, typically by a concurrency conflict."""

    code = 10
    code_name = "ABORTED"


class OutOfRangeError(Error):
    """A value is outside its valid range."""

    code = 11
    code_name = "OUT_OF_RANGE"


class UnimplementedError(Error):
    """The operation is not implemented."""

    code = 12
    code_name = "UNIMPLEMENTED"


class InternalError(Error):
    """An invariant broke inside omnictx or SQLite."""

    code = 13
    code_name = "INTERNAL"


class UnavailableError(Error):
    """The database stayed locked by another writer past the busy timeout;
    retrying later may succeed."""

    code = 14
    code_name = "UNAVAILABLE"


class DataLossError(Error):
    """The database file is corrupt."""

    code = 15
    code_name = "DATA_LOSS"


class UnauthenticatedError(Error):
    """The caller is not authenticated."""

    code = 16
    code_name = "UNAUTHENTICATED"


_BY_CODE: Dict[int, Type[Error]] = {
    cls.code: cls
    for cls in (
        CancelledError,
        UnknownError,
        InvalidArgumentError,
        DeadlineExceededError,
        NotFoundError,
        AlreadyExistsError,
        PermissionDeniedError,
        ResourceExhaustedError,
        FailedPreconditionError,
        AbortedError,
        OutOfRangeError,
        UnimplementedError,
        InternalError,
        UnavailableError,
        DataLossError,
        UnauthenticatedError,
    )
}


def error_class(code: int) -> Type[Error]:
    """Returns the exception class for a status code.

    Unknown codes (and OK, which is never raised) give ``UnknownError``.
    """
    return _BY_CODE.get(code, UnknownError)

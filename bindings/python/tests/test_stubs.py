# SPDX-License-Identifier: Apache-2.0
"""The type stubs cover the API as it is at run time, and every public
function carries a docstring."""

from __future__ import annotations

import ast
import inspect
import pathlib
import typing
from typing import Dict, List, Tuple

import pytest

import omnictx
from omnictx import _omnictx

PACKAGE = pathlib.Path(omnictx.__file__).parent


def _parse(name: str) -> ast.Module:
    return ast.parse((PACKAGE / name).read_text(encoding="utf-8"))


STUB = _parse("__init__.pyi")
CORE_STUB = _parse("_omnictx.pyi")


def _top_level_names(tree: ast.Module) -> set:
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            names.update(a.asname or a.name for a in node.names)
    return names


def _class(tree: ast.Module, name: str) -> ast.ClassDef:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise AssertionError(f"{name} is not in the stub")


def _attributes(cls: ast.ClassDef) -> List[str]:
    return [n.target.id for n in cls.body
            if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)]


def _methods(cls: ast.ClassDef) -> Dict[str, ast.FunctionDef]:
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}


def _stub_params(fn: ast.FunctionDef, bound: bool) -> List[Tuple[str, str, bool]]:
    a = fn.args
    out = []
    positional = a.posonlyargs + a.args
    first_default = len(positional) - len(a.defaults)
    for k, arg in enumerate(positional):
        kind = "POSITIONAL_ONLY" if k < len(a.posonlyargs) else "POSITIONAL_OR_KEYWORD"
        out.append((arg.arg, kind, k >= first_default))
    if a.vararg:
        out.append((a.vararg.arg, "VAR_POSITIONAL", False))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        out.append((arg.arg, "KEYWORD_ONLY", default is not None))
    if a.kwarg:
        out.append((a.kwarg.arg, "VAR_KEYWORD", False))
    return out[1:] if bound else out


def _runtime_params(fn) -> List[Tuple[str, str, bool]]:
    return [(p.name, p.kind.name, p.default is not inspect.Parameter.empty)
            for p in inspect.signature(fn).parameters.values()]


PUBLIC_CLASSES = [getattr(omnictx, n) for n in omnictx.__all__
                  if isinstance(getattr(omnictx, n), type)]
ENTITIES = [c for c in PUBLIC_CLASSES if issubclass(c, omnictx.Entity) and c is not omnictx.Entity]


def test_every_public_name_is_in_the_stub():
    missing = set(omnictx.__all__) - _top_level_names(STUB)
    assert missing == set()


@pytest.mark.parametrize("cls", ENTITIES, ids=lambda c: c.__name__)
def test_entity_attributes_are_the_proto_fields(cls):
    fields = [f.name for f in cls._MESSAGE.DESCRIPTOR.fields]
    assert _attributes(_class(STUB, cls.__name__)) == fields


def test_every_message_has_an_entity_class():
    from omnictx.v1 import context_pb2, journey_pb2, merge_pb2, metrics_pb2, model_pb2
    messages = {name for module in (context_pb2, journey_pb2, merge_pb2, metrics_pb2, model_pb2)
                for name in module.DESCRIPTOR.message_types_by_name}
    # Attribute entries read as the items of a dict, so they need no class.
    assert messages - {"Attribute"} == {c.__name__ for c in ENTITIES}
    assert "Attribute" not in dir(omnictx)


_DUNDERS = ("__init__", "__enter__", "__exit__", "__iter__", "__next__")


def _own_members(cls):
    """Yields (name, static member) defined by ``cls`` or its private mixins."""
    for klass in cls.__mro__:
        private_mixin = (klass.__module__.startswith("omnictx.")
                         and klass.__name__ not in omnictx.__all__)
        if klass is not cls and not private_mixin:
            continue
        for name, static in vars(klass).items():
            if name.startswith("_") and name not in _DUNDERS:
                continue
            if (isinstance(static, (staticmethod, classmethod, property))
                    or inspect.isfunction(static)):
                yield name, static


@pytest.mark.parametrize("cls", [omnictx.Store, omnictx.FakeClock, omnictx.Entity,
                                 omnictx.Context, omnictx.Timeline, omnictx.MetricsReport],
                         ids=lambda c: c.__name__)
def test_methods_and_signatures_match_the_stub(cls):
    stub = _methods(_class(STUB, cls.__name__))
    checked = 0
    for name, static in _own_members(cls):
        if cls is omnictx.Store and name == "__init__":
            continue  # Store() is refused: use Store.open
        assert name in stub, f"{cls.__name__}.{name} is not in the stub"
        checked += 1
        if isinstance(static, property):
            continue
        runtime = _runtime_params(getattr(cls, name))
        bound = not isinstance(static, staticmethod)
        if inspect.isfunction(static):
            runtime = runtime[1:]  # self
        assert _stub_params(stub[name], bound) == runtime, f"{cls.__name__}.{name}"
    assert checked


def test_the_core_stub_covers_the_compiled_module():
    names = {n for n in dir(_omnictx) if not n.startswith("__")} | {"__version__"}
    stub = {n for n in _top_level_names(CORE_STUB) if n not in dir(typing)}
    assert names == stub
    for cls_name in ("Store", "FakeClock"):
        runtime = {n for n in dir(getattr(_omnictx, cls_name)) if not n.startswith("_")}
        stub = {n for n in _methods(_class(CORE_STUB, cls_name)) if not n.startswith("_")}
        assert runtime == stub, cls_name
    options = {n for n in dir(_omnictx.OpenOptions) if not n.startswith("_")}
    assert options == set(_attributes(_class(CORE_STUB, "OpenOptions")))


def _public_callables():
    for name in omnictx.__all__:
        obj = getattr(omnictx, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield name, obj
        if inspect.isclass(obj):
            for member_name, member in vars(obj).items():
                if member_name.startswith("_") and member_name != "__init__":
                    continue
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if isinstance(member, property):
                    member = member.fget
                if inspect.isfunction(member):
                    yield f"{name}.{member_name}", member
    for name in ("open", "merge", "stitch", "record", "lookup", "define_journey"):
        yield f"Store.{name}", getattr(omnictx.Store, name)


def test_every_public_function_has_a_docstring():
    undocumented = [name for name, obj in _public_callables()
                    if not (inspect.getdoc(obj) or "").strip()]
    assert undocumented == []

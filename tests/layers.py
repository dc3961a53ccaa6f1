"""The layers of the suite (docs/testing.md): a marker for each real part a test starts or uses.

conftest.py marks every collected test from what it uses, so a new test cannot forget: the
`browser` and `postgres_cluster` fixtures, the `postgresql` side of the `backend` fixture, and
any fixture or test (or helper of tests/ they call, followed through their code) that calls
`running_nginx`, `running_s3` or `running_postgres`, or runs `nginx` or `rsync` itself through
subprocess (`make test-fast` needs no system package). The helpers that start a part also
check, when they run under pytest, that the running test carries its marker (`require`), so a
way of starting one that the collection did not see fails loudly instead of leaking into
`make test-fast`.
"""

from __future__ import annotations

import types
from typing import Any

# The helpers that start a real part, by name, and the marker of that part.
STARTERS = {"running_postgres": "postgres", "running_nginx": "nginx", "running_s3": "s3"}
# System programs a test may run itself through subprocess, and the marker of each.
PROGRAMS = {"nginx": "nginx", "rsync": "rsync"}
# conftest's fixtures that are a real part.
FIXTURES = {"browser": "browser", "postgres_cluster": "postgres"}
current: Any = None  # the test being set up or run (conftest sets it), or None outside pytest


def _code_names(code: types.CodeType) -> set[str]:
    """The names a function's code reads and the strings it holds, with those of the functions nested in it."""
    names = set(code.co_names)
    constants = list(code.co_consts)
    while constants:
        const = constants.pop()
        if isinstance(const, str):
            names.add(const)
        elif isinstance(const, tuple | frozenset):  # a literal list of strings is one tuple constant
            constants.extend(const)
        elif isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _starts(function: Any, seen: set[int]) -> set[str]:
    """The parts a function starts: the starters it calls, directly or through functions of tests/."""
    function = getattr(function, "__wrapped__", function)
    code = getattr(function, "__code__", None)
    if code is None or id(code) in seen:
        return set()
    seen.add(id(code))
    names = _code_names(code)
    parts = {part for program, part in PROGRAMS.items() if program in names and "subprocess" in names}
    namespace = getattr(function, "__globals__", {})
    for name in names:
        if name in STARTERS:
            parts.add(STARTERS[name])
            continue
        called = namespace.get(name)
        module = getattr(called, "__module__", None) or ""
        if isinstance(called, types.FunctionType) and module.startswith("tests"):
            parts |= _starts(called, seen)
    return parts


def parts_of(item: Any) -> set[str]:
    """The real parts a collected test uses (see the module's docstring)."""
    parts = {FIXTURES[name] for name in item.fixturenames if name in FIXTURES}
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("backend") == "postgresql":
        parts.add("postgres")
    seen: set[int] = set()
    functions = [getattr(item, "function", None)]
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        functions.extend(definition.func for definition in definitions)
    for function in functions:
        parts |= _starts(function, seen)
    return parts


def require(part: str) -> None:
    """Fail the running test if it starts `part` without carrying its marker."""
    if current is not None and current.get_closest_marker(part) is None:
        raise RuntimeError(
            f"{current.nodeid} starts {part} but is not marked `{part}`: conftest.py marks a test from the "
            f"fixtures and tests/ helpers it uses (tests/layers.py); mark it by hand if it starts {part} another way"
        )

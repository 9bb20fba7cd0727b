"""The run-time stand-ins of :mod:`agent_conversation._lean_typing` behave as :mod:`typing`'s,
and the small-file path of ``validate-conversation`` does not import :mod:`typing` at all."""

from __future__ import annotations

import pickle
import subprocess
import sys
import typing

import pytest
from agent_conversation import _lean_typing
from agent_conversation.cli.inputs import Skipped, Source
from agent_conversation.cli.results import Options
from agent_conversation.codec.spec import Field, Spec, TypeSpec, get_spec


def _pair(base: typing.Any) -> typing.Any:
    class Point(base):  # type: ignore[misc, valid-type]
        """A point."""

        x: int
        y: str = "d"
        z: tuple[int, ...] = ()

        @property
        def twice(self) -> int:
            return self.x * 2

        def __repr__(self) -> str:
            return f"Point({self.x})"

    return Point


def test_named_tuple_is_typing_s() -> None:
    lean, real = _pair(_lean_typing.NamedTuple), _pair(typing.NamedTuple)
    a, b = lean(1), real(1)
    assert tuple(a) == tuple(b) == (1, "d", ())
    assert lean._fields == real._fields and lean._field_defaults == real._field_defaults
    assert a.twice == b.twice == 2 and repr(a) == repr(b) == "Point(1)"
    assert a._replace(y="q") == b._replace(y="q")
    assert lean.__doc__ == real.__doc__ and lean.__qualname__ == real.__qualname__
    assert isinstance(a, tuple) and lean.__module__ == real.__module__


def test_named_tuple_refuses_what_typing_refuses() -> None:
    with pytest.raises(TypeError):

        class Bad(_lean_typing.NamedTuple):  # a field without a default after one with
            x: int = 1
            y: int  # type: ignore[misc]


@pytest.mark.parametrize(
    "value",
    [
        Source("a.json", "file", "a.json", (1, 2)),
        Skipped("fifo.json", "a FIFO"),
        Options(dialect="yoagent@0.18"),
        next(iter(get_spec("yoagent@0.22").types.values())).fields[0],
    ],
)
def test_the_package_s_named_tuples_pickle(value: tuple[object, ...]) -> None:
    assert pickle.loads(pickle.dumps(value)) == value


def test_the_package_s_named_tuples_keep_their_fields() -> None:
    assert Field._fields[:2] == ("wire", "ir")
    assert TypeSpec._field_defaults == {"label": "", "duplicates_error": True}
    assert Spec._fields[0] == "name" and repr(get_spec("yoagent@0.22")) == "Spec('yoagent@0.22')"
    assert get_spec("yoagent@0.22")._replace(sorted_keys=True).sorted_keys is True
    assert Source("x", "file", "x").regular is None and Source("x", "file", "x").is_file


def test_checking_a_small_file_does_not_import_typing(tmp_path: typing.Any) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(b'[{"role":"user","content":[{"type":"text","text":"hi"}],"timestamp":1}]')
    code = (
        "import sys\n"
        "from agent_conversation.cli.validate import run\n"
        f"assert run(['-q', {str(path)!r}]) == 0\n"
        "names = ('typing', 'dataclasses', 'pydantic', 'httpx')\n"
        "print(sorted(m for m in names if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # dataclasses comes with orjson itself; typing, pydantic and httpx must not come at all
    assert out.stdout.split() == ["['dataclasses']"], out.stdout + out.stderr

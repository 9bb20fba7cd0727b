"""What the modules every command loads need of :mod:`typing`, without importing it.

Importing :mod:`typing` takes several milliseconds, a noticeable share of what
``validate-conversation`` adds to the interpreter's start-up on a few small files. Type
checkers read the real names (``TYPE_CHECKING`` is true for them, as ``typing.TYPE_CHECKING``
is); at run time:

- ``TYPE_CHECKING`` is False (annotations are strings: ``from __future__ import annotations``);
- ``NamedTuple`` takes ``typing.NamedTuple``'s class syntax and makes the same class: the
  annotated names are the fields in order, their values the defaults, and the rest of the body
  (docstring, methods, properties) is kept on the :func:`collections.namedtuple` it makes;
- ``Protocol`` is a plain base class (the protocols here only describe types to the checker).
"""

from __future__ import annotations

TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import NamedTuple as NamedTuple
    from typing import Protocol as Protocol
else:
    from collections import namedtuple

    # What the class body holds that is not copied onto the class made (as typing does).
    _NOT_COPIED = frozenset({"__module__", "__name__", "__annotations__", "_root"})

    class _NamedTupleMeta(type):
        def __new__(mcs, name, bases, namespace):  # noqa: N804 - a metaclass's first argument
            if namespace.get("_root"):  # NamedTuple itself
                return super().__new__(mcs, name, bases, namespace)
            fields = list(namespace.get("__annotations__", ()))
            if not fields:
                raise TypeError(f"{name}: a NamedTuple needs annotated fields")
            defaults = []
            for field in fields:
                if field in namespace:
                    defaults.append(namespace[field])
                elif defaults:
                    raise TypeError(f"{name}: field {field!r} without a default follows one with")
            made = namedtuple(name, fields, defaults=defaults, module=namespace["__module__"])
            for key, value in namespace.items():
                if key not in _NOT_COPIED and key not in fields:
                    setattr(made, key, value)
            return made

    class NamedTuple(metaclass=_NamedTupleMeta):
        _root = True

    class Protocol:
        """Stands for :class:`typing.Protocol` at run time."""

        __slots__ = ()

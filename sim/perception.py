"""What an actor may perceive: one frozen snapshot per quarter, the same for every actor.

Each quarter the model asks every actor what it shows the others (:meth:`observe`) and freezes the
answers into a :class:`Perception`; every actor then decides from that snapshot and its own state
alone. Nobody reads another actor's live state, so the order in which actors step does not matter
(a synchronous update) and what an actor knows is written down in one place: its ``observe``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


class View:
    """Read-only attribute access to what one actor shows (``view.central.securitization``)."""

    __slots__ = ("_name", "_values")

    def __init__(self, name: str, values: Mapping[str, Any]) -> None:
        frozen = {}
        for key, value in values.items():
            if isinstance(value, np.ndarray):
                value = value.copy()
                value.flags.writeable = False
            frozen[key] = value
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_values", frozen)

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"{self._name} shows no {key!r}: it shows {sorted(self._values)}") from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError(f"a perception is frozen: {self._name}.{key} cannot be set")

    def __repr__(self) -> str:
        return f"View({self._name}: {', '.join(sorted(self._values))})"


class Perception:
    """The quarter's snapshot: ``world`` (time, salience, capability ratio) and one :class:`View` per actor."""

    __slots__ = ("_views",)

    def __init__(self, views: Mapping[str, Mapping[str, Any]]) -> None:
        object.__setattr__(self, "_views", {name: View(name, values) for name, values in views.items()})

    def __getattr__(self, name: str) -> View:
        try:
            return self._views[name]
        except KeyError:
            raise AttributeError(f"no actor named {name!r} in the perception: {sorted(self._views)}") from None

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("a perception is frozen")

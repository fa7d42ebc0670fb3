"""Quarters and dated historical events.

Events are inputs: each opens a window or delivers a shock to the agents it concerns
(see docs/ODD.md, "Input data"). What the agents do with it is their own decision.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sim.errors import ConfigError

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
YEARS = (1950, 2100)  # dates the model can sensibly mean: AI policy from the post-war era to the end of the century
MAX_EVENTS = 1000  # a timeline of more events is a mistake (a loop gone wrong, a pasted table), not history

# Each event kind, the parameters it takes and their allowed ranges.
EVENT_KINDS: dict[str, dict[str, tuple[float, float]]] = {
    "ai_salience": {"delta": (-1.0, 1.0)},
    "policy_window": {"funding": (0.0, 1000.0), "targets": (0.0, 1.0)},
    "rival_shock": {"delta": (-1.0, 1.0)},
    "sanction_round": {"entities": (0.0, 1000.0)},
    "export_control": {"scope": (0.0, 1.0)},
    "tariff": {"rate": (0.0, 5.0)},
    "national_team": {"size": (0.0, 10_000.0)},
    "governance_initiative": {"reach": (0.0, 1.0)},
    "data_breach": {"severity": (0.0, 1.0)},
    "risk_governance": {"early_warning": (0.0, 1.0)},
    "security_rule": {"floor": (0.0, 1.0)},
    "attributed_hack": {"organizations": (0.0, 1e7)},
}


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; ``index`` counts quarters since year 0."""

    index: int

    @classmethod
    def parse(cls, text: str, key: str = "quarter") -> Quarter:
        match = _QUARTER.match(str(text))
        if not match:
            raise ConfigError(f"{key}={text!r} is not a quarter: expected YYYYQn with n in 1-4, e.g. 2017Q3")
        year = int(match.group(1))
        if not YEARS[0] <= year <= YEARS[1]:
            raise ConfigError(f"{key}={text} is implausible: allowed years {YEARS[0]}-{YEARS[1]}")
        return cls(year * 4 + int(match.group(2)) - 1)

    def __add__(self, steps: int) -> Quarter:
        return Quarter(self.index + steps)

    @property
    def year(self) -> int:
        return self.index // 4

    @property
    def number(self) -> int:
        return self.index % 4 + 1

    @property
    def decimal(self) -> float:
        """Mid-quarter as a decimal year, for plotting."""
        return self.year + (self.number - 0.5) / 4

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


@dataclass(frozen=True)
class Event:
    quarter: Quarter
    kind: str
    name: str
    params: dict[str, float]
    source: str


def validate_events(events: list[Any], start: Quarter, end: Quarter, span: tuple[Quarter, Quarter] | None = None) -> list[Event]:
    """Check each event's date, kind and parameters; return those inside the run as Event objects.

    An event must lie inside its timeline's declared span (timeline.start..timeline.end): a date
    outside it is a typo. Events inside the span but outside time.start..time.end are valid and
    simply do not happen in this run, so a shorter run (say to 2020Q4) can use the timeline as it is.
    """
    if len(events) > MAX_EVENTS:
        raise ConfigError(f"timeline.events has {len(events)} events: allowed at most {MAX_EVENTS}")
    checked = []
    seen: dict[tuple[str, str, str], int] = {}
    for i, raw in enumerate(events):
        key = f"timeline.events[{i}]"
        same = (str(raw.date), str(raw.kind), str(raw.name))
        if same in seen:
            raise ConfigError(f"{key} repeats timeline.events[{seen[same]}] ({raw.name}, {raw.kind}, {raw.date}): each event once")
        seen[same] = i
        quarter = Quarter.parse(raw.date, key=f"{key}.date")
        if span is not None and not span[0] <= quarter <= span[1]:
            raise ConfigError(
                f"{key}.date={quarter} lies outside the timeline's span {span[0]}-{span[1]}: allowed dates in timeline.start..timeline.end"
            )
        if raw.kind not in EVENT_KINDS:
            raise ConfigError(f"{key}.kind={raw.kind!r} is unknown: allowed {sorted(EVENT_KINDS)}")
        allowed = EVENT_KINDS[raw.kind]
        for name, value in dict(raw.params).items():
            if name not in allowed:
                raise ConfigError(f"{key}.params.{name} is not a parameter of {raw.kind}: allowed {sorted(allowed)}")
            lo, hi = allowed[name]
            if not lo <= float(value) <= hi:
                raise ConfigError(f"{key}.params.{name}={value} is out of range: allowed [{lo}, {hi}]")
        missing = set(allowed) - set(dict(raw.params))
        if missing:
            raise ConfigError(f"{key} ({raw.kind}) lacks parameter(s) {sorted(missing)}")
        if start <= quarter <= end:
            checked.append(Event(quarter, raw.kind, raw.name, {k: float(v) for k, v in dict(raw.params).items()}, raw.source))
    return checked


class Timeline:
    """The events of a run, looked up by step."""

    def __init__(self, events: list[Event], start: Quarter):
        self.events = sorted(events, key=lambda e: e.quarter)
        self._by_step: dict[int, list[Event]] = defaultdict(list)
        for event in self.events:
            self._by_step[event.quarter.index - start.index].append(event)

    def at(self, step: int) -> list[Event]:
        return self._by_step.get(step, [])

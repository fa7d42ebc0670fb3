"""The model's actors, one module each, and the one registry that lists them.

A new actor is one module (a class with ``observe``, ``step(view)`` and, if it needs them, ``start``
and ``on_event``), one config group (``conf/<name>/``, typed in :mod:`sim.config`) and one line here.
The registry's order is the order of the Perception's views; it does not change results (every actor
decides from the same frozen snapshot), but a new actor goes at the end so existing streams keep
their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.agents.capital import CapitalUnit, ForeignCapital
from sim.agents.central_state import CentralState
from sim.agents.firm import Firm, FirmKind, Firms
from sim.agents.incidents import Incidents
from sim.agents.intellectual import Intellectual, Intellectuals
from sim.agents.local_government import LocalGovernment, Provinces
from sim.agents.population import Actor, Population
from sim.agents.public import Citizen, Public
from sim.agents.rival_state import RivalState
from sim.agents.talent import Location, MobileTalent, TalentUnit
from sim.agents.third_country import Endorsement, ThirdCountries, ThirdCountry


@dataclass(frozen=True)
class ActorSpec:
    """One actor: its name (config group, model attribute, Perception view), class and random stream."""

    name: str
    cls: type[Actor]
    stream: int
    population: bool  # sized by agents.<name>.n


ACTORS: tuple[ActorSpec, ...] = (
    ActorSpec("central", CentralState, 0, population=False),
    ActorSpec("rival", RivalState, 7, population=False),
    ActorSpec("local", Provinces, 1, population=True),
    ActorSpec("firms", Firms, 2, population=True),
    ActorSpec("intellectuals", Intellectuals, 3, population=True),
    ActorSpec("public", Public, 4, population=True),
    ActorSpec("talent", MobileTalent, 5, population=True),
    ActorSpec("third", ThirdCountries, 6, population=True),
    ActorSpec("capital", ForeignCapital, 8, population=True),
    ActorSpec("incidents", Incidents, 9, population=False),
)

__all__ = [
    "ACTORS",
    "Actor",
    "ActorSpec",
    "CapitalUnit",
    "CentralState",
    "Citizen",
    "Endorsement",
    "Firm",
    "FirmKind",
    "Incidents",
    "Firms",
    "ForeignCapital",
    "Intellectual",
    "Intellectuals",
    "LocalGovernment",
    "Location",
    "MobileTalent",
    "Population",
    "Provinces",
    "Public",
    "RivalState",
    "TalentUnit",
    "ThirdCountries",
    "ThirdCountry",
]

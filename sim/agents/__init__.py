"""The model's actors, one module each."""

from sim.agents.central_state import CentralState
from sim.agents.firm import Firm, FirmKind, Firms
from sim.agents.intellectual import Intellectual, Intellectuals
from sim.agents.local_government import LocalGovernment, Provinces
from sim.agents.public import Citizen, Public
from sim.agents.rival_state import RivalState
from sim.agents.talent import Location, MobileTalent, MobileUnit
from sim.agents.third_country import Endorsement, ThirdCountries, ThirdCountry

__all__ = [
    "CentralState",
    "Citizen",
    "Endorsement",
    "Firm",
    "FirmKind",
    "Firms",
    "Intellectual",
    "Intellectuals",
    "LocalGovernment",
    "Location",
    "MobileTalent",
    "MobileUnit",
    "Provinces",
    "Public",
    "RivalState",
    "ThirdCountries",
    "ThirdCountry",
]

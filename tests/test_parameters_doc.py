"""docs/ODD.md documents every parameter, with the values and ranges conf/ and the schema hold now."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from sim.config import ANALYSIS_DATA, BOOKKEEPING, load_config
from sim.parameters import BEGIN, END, embed, render, tables

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
NOT_PARAMETERS = {*BOOKKEEPING, *ANALYSIS_DATA}  # bookkeeping and data, not parameters (sim/config.py)


def leaf_keys(node: Any, prefix: str = "") -> list[str]:
    """Dotted Hydra-override keys of every leaf of the composed, typed config."""
    keys: list[str] = []
    for f in dataclasses.fields(node):
        if not prefix and f.name in NOT_PARAMETERS:
            continue
        value = getattr(node, f.name)
        key = prefix + f.name
        keys += leaf_keys(value, key + ".") if dataclasses.is_dataclass(value) else [key]
    return keys


def test_every_parameter_has_a_row() -> None:
    markdown = render(tables())
    keys = leaf_keys(load_config())
    missing = [key for key in keys if f"| `{key}` |" not in markdown]
    assert len(keys) > 100
    assert not missing, f"parameters without a row in the generated tables: {missing}"


def test_odd_tables_match_conf() -> None:
    text = ODD.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"{ODD} lacks the markers {BEGIN} ... {END}"
    assert embed(render(tables())) in text, (
        "docs/ODD.md's parameter tables differ from conf/ and sim/config.py: run `python -m sim.parameters --write docs/ODD.md`"
    )

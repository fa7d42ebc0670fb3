"""Parameter tables for docs/ODD.md, generated from conf/ so that the description cannot drift from the values.

Every leaf in ``conf/<group>/default.yaml`` documents itself in a trailing comment,
``key: value  # meaning [unit]; range [lo, hi]; source or rationale``. YAML parsers drop
comments, so the lines are read with regular expressions. Allowed ranges come from the schema
in ``sim/config.py``, since that is what validation enforces; a comment's range text is used
only where the schema sets none.

    python -m sim.parameters                      # print the tables
    python -m sim.parameters --write docs/ODD.md  # replace the tables between the markers
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import typing
from dataclasses import dataclass, field
from enum import Enum
from itertools import takewhile
from pathlib import Path

import yaml

from sim.config import BOOKKEEPING, CONF_DIR, SimConfig, dotted

BEGIN, END = "<!-- parameters:begin -->", "<!-- parameters:end -->"
CALIBRATED = "calibrated"  # the group of fitted values composed over the others (sim/analysis/calibration.py)

_LINE = re.compile(r"^(?P<indent> *)(?P<key>\w+):[ \t]*(?P<value>[^#]*?)[ \t]*(?:#[ \t]*(?P<comment>.*?))?[ \t]*$")
_UNIT = re.compile(r"^(?P<meaning>.*?)\s*\[(?P<unit>[^\]]*)\]$")
_RANGE = re.compile(r"^range\s*(?P<bounds>\[[^\]]*\])?\s*(?P<qualifier>.*)$")


@dataclass(frozen=True)
class Row:
    """One parameter as a user overrides it (``key=value``) and as the ODD documents it."""

    key: str
    default: str
    meaning: str
    unit: str
    range: str
    source: str
    prior: str = ""  # the group file's value where conf/calibrated/default.yaml replaces it


@dataclass
class Table:
    """One config group: its file's header comment as caption, comments on sub-groups as notes."""

    title: str
    caption: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _number(value: float | None, infinite: str) -> str:
    """A bound as the conf comments write it: integers with thousands separators."""
    if value is None:
        return infinite
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


def schema_field(key: str) -> tuple[type, dataclasses.Field]:
    """The dataclass owning a dotted key and its field, walking SimConfig's nested dataclasses."""
    owner: type = SimConfig
    *parents, name = key.split(".")
    try:
        for part in parents:
            owner = typing.get_type_hints(owner)[part]
        return owner, next(f for f in dataclasses.fields(owner) if f.name == name)
    except (KeyError, StopIteration, TypeError):
        raise KeyError(f"{key} is in conf/ but not in the schema (sim/config.py)") from None


def schema_range(key: str) -> str | None:
    """What validation allows for a key: an enum's members or a field's [lo, hi]; None where it checks nothing."""
    owner, f = schema_field(key)
    hint = typing.get_type_hints(owner)[f.name]
    if isinstance(hint, type) and issubclass(hint, Enum):
        return " | ".join(member.value for member in hint)
    lo, hi = f.metadata.get("range", (None, None))
    if lo is None and hi is None:
        return None
    return f"[{_number(lo, '-∞')}, {_number(hi, '∞')}]"


def parse_row(key: str, default: str, comment: str) -> Row:
    """Split ``meaning [unit]; range [lo, hi]; source`` (each part optional) and attach the schema's range.

    The meaning runs up to the first part ending in ``[unit]`` before the range (it may itself contain
    semicolons); without a unit it is the first part.
    """
    parts = [part.strip() for part in comment.split(";")]
    at_range = next((i for i, part in enumerate(parts) if i and _RANGE.match(part)), len(parts))
    at_unit = next((i for i, part in enumerate(parts[:at_range]) if _UNIT.match(part)), None)
    end = 0 if at_unit is None else at_unit
    unit = _UNIT.match(parts[end])
    meaning = "; ".join([*parts[:end], unit["meaning"] if unit else parts[end]])
    range_match = _RANGE.match(parts[at_range]) if at_range < len(parts) else None
    sources = [part for i, part in enumerate(parts) if i > end and i != at_range]
    bounds = schema_range(key) or (range_match["bounds"] if range_match else None)
    qualifier = range_match["qualifier"].lstrip(", ") if range_match else ""
    range_text = ", ".join(filter(None, [bounds, qualifier]))
    return Row(key, default, meaning, unit["unit"] if unit else "", range_text, "; ".join(sources))


def groups() -> list[str]:
    """The config groups conf/config.yaml composes with their ``default`` option, in its order, so that a
    new group is documented (or the test fails) without editing this module. The calibrated values are not a
    group of their own: they show in the rows they replace."""
    found = re.findall(r"^\s*-\s*(\w+):\s*default\b", (CONF_DIR / "config.yaml").read_text(encoding="utf-8"), re.MULTILINE)
    return [group for group in found if group != CALIBRATED]


def calibrated() -> dict[str, str]:
    """The fitted values of conf/calibrated/default.yaml, by dotted key."""
    tree = yaml.safe_load((CONF_DIR / CALIBRATED / "default.yaml").read_text(encoding="utf-8")) or {}
    return {key: str(value) for key, value in dotted(tree).items() if not key.startswith("predictive.")}


def read_group(path: Path, prefix: str, skip: tuple[str, ...] = ()) -> Table:
    """Every leaf of one YAML file except those under the top-level entries ``skip``, inline dicts expanded
    to one row per inner key with the line's comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    caption = " ".join(line.lstrip("#").strip() for line in takewhile(lambda line: line.startswith("#"), lines))
    table = Table(f"`{prefix}`" if prefix else "run", caption)
    parents: list[tuple[int, str]] = []
    for line in lines:
        match = _LINE.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        while parents and parents[-1][0] >= indent:
            parents.pop()
        key = ".".join([*filter(None, [prefix]), *(name for _, name in parents), match["key"]])
        value, comment = match["value"], match["comment"] or ""
        if not value:
            parents.append((indent, match["key"]))
        if key.split(".")[0] in skip:
            continue
        if not value:
            if comment:
                table.notes.append(f"`{key}`: {comment}")
        elif value.startswith("{"):
            table.rows += [parse_row(f"{key}.{inner}", str(v), comment) for inner, v in yaml.safe_load(value).items()]
        else:
            table.rows.append(parse_row(key, value, comment))
    return table


def tables() -> list[Table]:
    """The run settings of conf/config.yaml, then one table per group; an undocumented meaning points to
    the first key of the same schema field that documents it (the audience rules share one schema)."""
    result = [
        read_group(CONF_DIR / "config.yaml", "", skip=BOOKKEEPING),
        *(read_group(CONF_DIR / group / "default.yaml", group) for group in groups()),
    ]
    documented: dict[tuple[type, str], str] = {}
    fitted = calibrated()
    for table in result:
        for i, row in enumerate(table.rows):
            if row.key in fitted:
                table.rows[i] = row = dataclasses.replace(row, default=fitted[row.key], prior=row.default)
            owner, f = schema_field(row.key)
            if row.meaning:
                documented.setdefault((owner, f.name), row.key)
            elif (owner, f.name) in documented:
                table.rows[i] = dataclasses.replace(row, meaning=f"as `{documented[owner, f.name]}`")
    return result


def render(sections: list[Table]) -> str:
    """Markdown: a heading, caption, table and notes per group."""
    out: list[str] = []
    for table in sections:
        out += [f"### {table.title}", "", table.caption, ""]
        out += ["| key | default | meaning | unit | range | source or rationale |", "|---|---|---|---|---|---|"]
        for row in table.rows:
            default = f"`{row.default}`" + (f" (calibrated; prior `{row.prior}`)" if row.prior else "")
            cells = [f"`{row.key}`", default, row.meaning, row.unit, row.range, row.source]
            out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        out += ["", *(f"- {note}" for note in table.notes), *([""] if table.notes else [])]
    return "\n".join(out).rstrip() + "\n"


def embed(markdown: str) -> str:
    """The tables as they sit in the ODD, markers included."""
    return f"{BEGIN}\n{markdown}{END}"


def write(doc: Path, markdown: str) -> None:
    """Replace everything between the markers in ``doc``, leaving the rest of the text as it is."""
    text = doc.read_text(encoding="utf-8")
    begin, end = text.find(BEGIN), text.find(END)
    if begin < 0 or end < begin:
        raise SystemExit(f"{doc}: needs the markers {BEGIN} and {END}, in that order")
    doc.write_text(text[:begin] + embed(markdown) + text[end + len(END) :], encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sim.parameters", description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, metavar="DOC", help="replace the tables between the markers in DOC")
    args = parser.parse_args(argv)
    markdown = render(tables())
    if args.write:
        write(args.write, markdown)
    else:
        sys.stdout.write(markdown)


if __name__ == "__main__":
    main()

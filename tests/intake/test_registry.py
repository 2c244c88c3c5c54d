"""Guard tests of the format registry: complete, unique, documented, and explicit."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import suraksha.intake.formats as formats_package
from suraksha.errors import UserInputError
from suraksha.intake import registry
from suraksha.intake.formats.cybertip_json import CybertipJsonFormat
from suraksha.intake.formats.interface import TipFormat
from suraksha.intake.formats.ncmec_xml import NcmecXmlFormat
from suraksha.intake.registry import FORMATS, detect, format_named

# Modules in formats/ that are infrastructure, not formats.
NOT_FORMATS = {"interface", "instants", "xml_safety", "handoff_mapping", "spreadsheets"}
# The ESP XML format's parts: vocabulary, reader, and the people, incidents and files it reads;
# the JSON format's typed value reader.
NOT_FORMATS |= {
    f"ncmec_xml_{part}" for part in ("vocabulary", "reader", "people", "incidents", "files")
} | {"cybertip_json_values"}


def _format_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(formats_package.__path__)
        if info.name not in NOT_FORMATS
    )


def test_every_format_module_is_registered_exactly_once() -> None:
    registered = [type(tip_format).__module__.rpartition(".")[2] for tip_format in FORMATS]

    assert sorted(registered) == _format_modules()


def test_each_format_module_defines_exactly_one_format_class() -> None:
    for name in _format_modules():
        module = importlib.import_module(f"suraksha.intake.formats.{name}")
        classes = [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, TipFormat)
            and value is not TipFormat
            and value.__module__ == module.__name__
        ]
        assert len(classes) == 1, name


def test_names_and_record_kinds_are_unique() -> None:
    names = [tip_format.name for tip_format in FORMATS]
    kinds = [tip_format.record_kind for tip_format in FORMATS]

    assert len(set(names)) == len(names)
    assert len(set(kinds)) == len(kinds)


@pytest.mark.parametrize("tip_format", FORMATS, ids=lambda tip_format: tip_format.name)
def test_each_format_is_documented(tip_format: TipFormat) -> None:
    assert re.fullmatch(r"[a-z][a-z0-9_]*", tip_format.name)
    assert re.fullmatch(r"[a-z0-9]+(:[a-z0-9-]+){2,}", tip_format.record_kind)
    assert tip_format.description.strip()
    assert "\n" not in tip_format.description
    assert tip_format.description.endswith(".")
    assert (type(tip_format).__doc__ or "").strip()


def test_registry_is_a_written_tuple() -> None:
    # No import-side-effect registration: FORMATS is a literal tuple of constructor calls.
    tree = ast.parse(Path(inspect.getfile(registry)).read_text(encoding="utf-8"))
    assignments = [
        node
        for node in tree.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "FORMATS"
    ]

    assert len(assignments) == 1
    value = assignments[0].value
    assert isinstance(value, ast.Tuple)
    assert all(isinstance(item, ast.Call) and not item.args for item in value.elts)


def test_format_named() -> None:
    assert isinstance(format_named("ncmec_xml"), NcmecXmlFormat)
    assert isinstance(format_named("cybertip_json"), CybertipJsonFormat)


def test_unknown_format_name_lists_the_valid_ones() -> None:
    with pytest.raises(UserInputError, match=r"'ncmec-xml'.*ncmec_xml, cybertip_json"):
        format_named("ncmec-xml")


def test_detect(tmp_path: Path, xml_unit: Path, json_unit: Path) -> None:
    truth = tmp_path / "truth.json"
    truth.write_text("{}")

    assert isinstance(detect(xml_unit), NcmecXmlFormat)
    assert isinstance(detect(json_unit), CybertipJsonFormat)
    assert detect(xml_unit / "report.xml") is None
    assert detect(truth) is None
    assert detect(tmp_path / "missing") is None

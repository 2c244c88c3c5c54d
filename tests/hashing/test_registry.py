"""Guard tests of the hash-list registry: complete, unique, explicit, documented, and ordered."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import suraksha.hashing.formats as formats_package
from suraksha.errors import UserInputError
from suraksha.hashing import registry
from suraksha.hashing.formats.interface import HashListFormat
from suraksha.hashing.formats.md5sum import Md5sumFormat
from suraksha.hashing.formats.pdq import PdqFormat
from suraksha.hashing.registry import FORMATS, detect, format_named

DOC = Path(__file__).parents[2] / "docs" / "hash-lists.md"
# Modules in formats/ that formats share, not formats: the contract, value normalising, bounded
# line reading and the streaming JSON reader.
NOT_FORMATS = {"interface", "values", "lines", "json_stream"}


def format_modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(formats_package.__path__)
        if info.name not in NOT_FORMATS
    )


def test_every_format_module_is_registered_exactly_once() -> None:
    registered = [type(fmt).__module__.rpartition(".")[2] for fmt in FORMATS]
    assert sorted(registered) == format_modules()


def test_each_format_module_defines_exactly_one_format_class() -> None:
    for name in format_modules():
        module = importlib.import_module(f"suraksha.hashing.formats.{name}")
        classes = [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, HashListFormat)
            and value.__module__ == module.__name__
        ]
        assert len(classes) == 1, name


def test_names_are_unique() -> None:
    names = [fmt.name for fmt in FORMATS]
    assert len(set(names)) == len(names)


def test_registry_is_a_written_tuple() -> None:
    # No import-side-effect registration: FORMATS is a literal tuple of constructor calls.
    tree = ast.parse(Path(inspect.getfile(registry)).read_text(encoding="utf-8"))
    [assignment] = [
        node
        for node in tree.body
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "FORMATS"
    ]
    assert isinstance(assignment.value, ast.Tuple)
    assert all(isinstance(item, ast.Call) and not item.args for item in assignment.value.elts)


def doc_sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## `([a-z0-9_]+)`\n", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda fmt: fmt.name)
def test_each_format_is_documented_with_an_example_and_what_is_stored(
    fmt: HashListFormat,
) -> None:
    assert fmt.description.strip() and "\n" not in fmt.description
    assert (type(fmt).__doc__ or "").strip()
    section = doc_sections().get(fmt.name)
    assert section is not None, f"docs/hash-lists.md has no section ## `{fmt.name}`"
    assert "```" in section, f"the {fmt.name} section has no example"
    assert "**Matched**" in section and "**Stored**" in section, fmt.name


def test_the_docs_describe_only_registered_formats() -> None:
    assert sorted(doc_sections()) == sorted(fmt.name for fmt in FORMATS)


def test_format_named() -> None:
    for fmt in FORMATS:
        assert format_named(fmt.name) is fmt


def test_unknown_format_name_lists_the_valid_ones() -> None:
    with pytest.raises(UserInputError, match=r"'vic'.*auto, encase, nsrl, vics"):
        format_named("vic")


def test_line_lists_come_last_strictest_first() -> None:
    names = [fmt.name for fmt in FORMATS]
    assert names[-4:] == ["threatexchange", "vpdq", "pdq", "md5sum"]


def test_bare_64_hex_lines_are_sha256_and_a_quality_column_makes_pdq() -> None:
    value = "f" * 63 + "0"
    assert isinstance(detect(f"{value}\n{value}\n".encode()), Md5sumFormat)
    assert isinstance(detect(f"{value},80\n{value},80\n".encode()), PdqFormat)


def test_detect_gives_none_for_what_no_format_reads() -> None:
    assert detect(b"this is not a hash list\n") is None
    assert detect(b"") is None
    assert detect(b'{"some": "json"}') is None

"""Exports of groups (intel/networks/exports.py): GraphML, CSV node and edge lists, the Maltego
table; each within the actor's reach, audited, and free of victim identity, on both databases."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy.engine import Engine

from suraksha.config import Settings
from suraksha.errors import AccessDenied, UserInputError
from suraksha.intel.networks.exports import (
    EDGE_COLUMNS,
    GRAPHML_NS,
    MALTEGO_COLUMNS,
    NODE_COLUMNS,
    ExportFormat,
    evidence_summary,
    export_groups,
)
from suraksha.intel.networks.views import GroupNotFound
from suraksha.security import audit
from suraksha.security.policy import Actor, Role
from suraksha.spreadsheets import defuse
from suraksha.storage.session import reading, transaction
from suraksha.workspace import open_engine
from tests.intel.networks.circle import GROUP, RECIPIENT_ID, VICTIM_NAME, Circle, load_circle

ADMIN = Actor(1, "admin.root", Role.ADMIN)
HOME = Actor(2, "do.home", Role.DISTRICT_OFFICER, "KARNATAKA", "BENGALURU URBAN")
ELSEWHERE = Actor(3, "do.mysuru", Role.DISTRICT_OFFICER, "KARNATAKA", "MYSURU")
AUDITOR = Actor(4, "audit.only", Role.AUDITOR)
_G = f"{{{GRAPHML_NS}}}"


@pytest.fixture
def circle(settings: Settings, tmp_path: Path) -> Circle:
    return load_circle(settings, tmp_path)


@pytest.fixture
def engine(settings: Settings, circle: Circle) -> Iterator[Engine]:
    opened = open_engine(settings)
    try:
        yield opened
    finally:
        opened.dispose()


def _export(engine: Engine, actor: Actor, fmt: ExportFormat, out: Path) -> None:
    with transaction(engine) as session:
        export_groups(session, actor, None, fmt, out)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _all_text(paths: list[Path]) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in paths)


def test_graphml_declares_its_keys_and_holds_every_visible_member(
    engine: Engine, circle: Circle, tmp_path: Path
) -> None:
    out = tmp_path / "out" / "groups.graphml"
    with transaction(engine) as session:
        result = export_groups(session, ADMIN, [circle.group_id], "graphml", out)
    assert (result.groups, result.nodes, result.edges, result.hidden_members) == (
        (circle.group_id,),
        4,
        6,
        0,
    )
    root = etree.parse(str(out)).getroot()
    assert root.tag == f"{_G}graphml"
    keys = {
        (k.get("for"), k.get("attr.name")): (k.get("id"), k.get("attr.type"))
        for k in root.iter(f"{_G}key")
    }
    assert keys[("node", "district")][1] == "string"
    assert keys[("node", "priority")][1] == "double"
    assert keys[("edge", "weight")][1] == "double"
    assert keys[("edge", "evidence_count")][1] == "int"
    # Every <key> precedes the <graph>, as the GraphML schema orders them.
    children = [child.tag for child in root]
    assert children.index(f"{_G}graph") == len(children) - 1
    (graph,) = root.iter(f"{_G}graph")
    assert graph.get("edgedefault") == "undirected"
    names = {str(key_id): str(name) for (_domain, name), (key_id, _type) in keys.items()}

    def data(element: etree._Element) -> dict[str, str]:
        return {names[str(d.get("key"))]: d.text or "" for d in element.iter(f"{_G}data")}

    nodes = {str(n.get("id")): data(n) for n in graph.iter(f"{_G}node")}
    assert set(nodes) == set(circle.subject_of.values())
    falcon = nodes[circle.subject_of["880001"]]
    assert falcon["district"] == "BENGALURU URBAN"
    assert falcon["abroad"] == "AE"
    assert falcon["group"] == circle.group_id
    assert nodes[circle.subject_of["880004"]]["abroad"] == ""
    edges = [
        data(e) | {"ends": f"{e.get('source')} {e.get('target')}"} for e in graph.iter(f"{_G}edge")
    ]
    assert len(edges) == 6
    assert {e["kinds"] for e in edges} >= {"platform_group"}
    assert all(GROUP in e["evidence"] for e in edges)
    assert all(float(e["weight"]) >= 1.0 for e in edges)


def test_csv_and_maltego_hold_the_district_officers_reach_only(
    engine: Engine, circle: Circle, tmp_path: Path
) -> None:
    _export(engine, HOME, ExportFormat.CSV, tmp_path / "csv")
    _export(engine, HOME, ExportFormat.MALTEGO, tmp_path / "maltego.csv")
    home = {s for s, d in circle.district_of.items() if d == "BENGALURU URBAN"}
    away = set(circle.subject_of.values()) - home
    assert len(home) == 2 and len(away) == 2

    nodes = _rows(tmp_path / "csv" / "nodes.csv")
    assert tuple(nodes[0]) == NODE_COLUMNS
    assert {row["subject_id"] for row in nodes} == home
    assert {row["district"] for row in nodes} == {"BENGALURU URBAN"}
    edges = _rows(tmp_path / "csv" / "edges.csv")
    assert tuple(edges[0]) == EDGE_COLUMNS
    assert [(row["source"], row["target"]) for row in edges] == [tuple(sorted(home))]
    assert edges[0]["kinds"] == "file platform_group"

    maltego = _rows(tmp_path / "maltego.csv")
    assert tuple(maltego[0]) == MALTEGO_COLUMNS
    assert [(row["source_subject"], row["target_subject"]) for row in maltego] == [
        tuple(sorted(home))
    ]
    text = _all_text([tmp_path / "csv" / "nodes.csv", tmp_path / "csv" / "edges.csv"])
    text += (tmp_path / "maltego.csv").read_text(encoding="utf-8")
    for subject in away:
        assert subject not in text
    # Reports of out-of-reach members never appear, even in the evidence of a visible edge.
    assert "880003" not in text and "880004" not in text
    # Nor does anything of the victim or the child recipient.
    assert VICTIM_NAME not in text and RECIPIENT_ID not in text


def test_an_export_is_audited_and_each_group_read_too(
    engine: Engine, circle: Circle, tmp_path: Path
) -> None:
    _export(engine, HOME, ExportFormat.GRAPHML, tmp_path / "g.graphml")
    with reading(engine) as session:
        exports = audit.events(session, action="group.export")
        reads = audit.events(session, action="group.read")
    assert [(e.actor, e.object_kind, e.object_id) for e in exports] == [
        ("do.home", "group_list", "graphml")
    ]
    assert exports[0].detail == {
        "format": "graphml",
        "file": "g.graphml",
        "groups": 1,
        "group_ids": [circle.group_id],
        "nodes": 2,
        "edges": 1,
        "hidden": 2,
    }
    assert [(e.actor, e.object_id, e.detail["channel"]) for e in reads] == [
        ("do.home", circle.group_id, "export")
    ]


def test_out_of_reach_groups_are_refused_and_nothing_is_written(
    engine: Engine, circle: Circle, tmp_path: Path
) -> None:
    out = tmp_path / "refused.graphml"
    with transaction(engine) as session, pytest.raises(GroupNotFound):
        export_groups(session, ELSEWHERE, [circle.group_id], ExportFormat.GRAPHML, out)
    with transaction(engine) as session, pytest.raises(UserInputError, match="no group"):
        export_groups(session, ELSEWHERE, None, ExportFormat.GRAPHML, out)
    with transaction(engine) as session, pytest.raises(UserInputError, match="unknown export"):
        export_groups(session, ADMIN, None, "xlsx", out)
    assert not out.exists()
    with reading(engine) as session:
        assert audit.events(session, action="group.export") == []


def test_a_role_that_reads_no_subject_cannot_export(
    engine: Engine, circle: Circle, tmp_path: Path
) -> None:
    with transaction(engine) as session, pytest.raises(AccessDenied):
        export_groups(session, AUDITOR, None, ExportFormat.CSV, tmp_path / "csv")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+971501234567", "'+971501234567"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("subject-1", "subject-1"),
        ("", ""),
    ],
)
def test_cells_that_start_like_formulas_are_defused(cell: str, expected: str) -> None:
    assert defuse(cell) == expected


def test_the_evidence_summary_names_the_strongest_pieces_and_counts_the_rest() -> None:
    piece = {
        "kind": "file",
        "artefact": "md5:aa",
        "holders": 3,
        "score": 1.0,
        "reports_a": ["1", "2"],
        "reports_b": ["3"],
    }
    assert evidence_summary([piece]) == "file md5:aa (3 holders; reports 1 2 | 3)"
    assert evidence_summary([piece] * 7).endswith("; and 2 more")
    assert evidence_summary([piece] * 7).count("md5:aa") == 5

"""Groups written for other tools: GraphML, CSV node and edge lists, a Maltego import table.

    export_groups ─► read_group (policy, `group.read` per group) ─► ExportGraph ─► writer ─► files
                                                                               └─► `group.export`

An export holds exactly what `read_group` shows the actor: the visible members (subject id, state,
district, priority, roles, the countries readings place them in, the number of their reports)
and the edges between them (weight, kinds, a summary of the evidence). Hidden members are counted
per group, never named. No victim identity and no media exist in a group view, so none can leave
here (POCSO s.23; IT Act s.67B): artefacts are named by digest, platform group or identifier
label as the edges store them. The group's stored summary is not exported beyond its reasons and
kind counts: it names members the actor may not see.

    graphml   one file, GraphML 1.0 (graphml.graphdrawing.org), undirected, every attribute
              declared as a `<key>` with attr.name and attr.type: Gephi, yEd, Cytoscape desktop
              and networkx read it
    csv       a folder with `nodes.csv` and `edges.csv` (UTF-8, header row)
    maltego   one CSV table for Maltego's "Import graph from table" wizard: one row per link,
              source and target entity columns first, then their properties; a member without a
              visible link is a row with an empty target. Chosen over `.mtgx` (an undocumented
              zip of Maltego's own GraphML dialect) and an i2 `.ximp` specification, because the
              wizard's mapping is done by the analyst and this file is correct by construction

Every text cell of the CSV files is defused against spreadsheet formula injection (a cell
starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading quote, as the subject
exports do): report numbers and labels come from platforms and are not trusted.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from lxml import etree
from sqlalchemy.orm import Session

from suraksha.errors import UserInputError
from suraksha.intel.networks.views import EdgeView, GroupView, MemberView, list_groups, read_group
from suraksha.security import audit
from suraksha.security.audit import Who
from suraksha.spreadsheets import defuse

GRAPHML_NS: Final = "http://graphml.graphdrawing.org/xmlns"
_XSI_NS: Final = "http://www.w3.org/2001/XMLSchema-instance"
_GRAPHML_SCHEMA: Final = f"{GRAPHML_NS} http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"
EVIDENCE_SHOWN: Final = 5
"""Pieces of evidence named in an edge's summary (the strongest first, as stored)."""
AUDITED_IDS: Final = 100
"""Group ids named in one `group.export` event (the audit detail is size-limited)."""


class ExportFormat(StrEnum):
    """What `export_groups` can write (see the module docstring)."""

    GRAPHML = "graphml"
    CSV = "csv"
    MALTEGO = "maltego"


@dataclass(frozen=True, slots=True)
class ExportNode:
    """One visible subject as exported; `groups` are the exported groups it belongs to."""

    subject_id: str
    groups: tuple[str, ...]
    state: str
    district: str
    priority: float | None
    roles: tuple[str, ...]
    abroad: tuple[str, ...]  # ISO country codes, sorted
    reports: int


@dataclass(frozen=True, slots=True)
class ExportEdge:
    """One edge between two visible subjects, with its evidence summarised."""

    source: str
    target: str
    group_id: str
    weight: float
    kinds: tuple[str, ...]
    evidence: int
    summary: str


@dataclass(frozen=True, slots=True)
class ExportGraph:
    """The nodes and edges of one or more group views, each once, in a stable order."""

    groups: tuple[str, ...]
    hidden_members: int
    nodes: tuple[ExportNode, ...]
    edges: tuple[ExportEdge, ...]


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote."""

    format: ExportFormat
    paths: tuple[Path, ...]
    groups: tuple[str, ...]
    nodes: int
    edges: int
    hidden_members: int


def export_groups(
    session: Session,
    actor: Who,
    group_ids: Sequence[str] | None,
    format: ExportFormat | str,
    out_path: Path,
) -> ExportResult:
    """Write the groups `group_ids` (None: every active group in the actor's reach) as `format`
    to `out_path` (a file; for `csv`, a folder that gets `nodes.csv` and `edges.csv`).

    Each group is read through `read_group` (the actor's reach; a group out of reach raises
    GroupNotFound as if it did not exist, and nothing is written), then the export is audited as
    `group.export`. The session must be a writing one. Raises UserInputError for an unknown
    format or when there is nothing in reach to export.
    """
    chosen = _format(format)
    if group_ids is None:
        wanted = [view.group_id for view in list_groups(session, actor)]
    else:
        wanted = list(dict.fromkeys(group_ids))
    if not wanted:
        raise UserInputError("no group in your reach to export: `suraksha groups` lists them")
    views = [read_group(session, actor, group_id, channel="export") for group_id in wanted]
    graph = export_graph(views)
    paths = write_graph(graph, chosen, out_path)
    audit.record(
        session,
        actor,
        "group.export",
        "group_list",
        chosen.value,
        {
            "format": chosen.value,
            "file": out_path.name,
            "groups": len(graph.groups),
            "group_ids": list(graph.groups[:AUDITED_IDS]),
            "nodes": len(graph.nodes),
            "edges": len(graph.edges),
            "hidden": graph.hidden_members,
        },
    )
    return ExportResult(
        chosen,
        paths,
        graph.groups,
        len(graph.nodes),
        len(graph.edges),
        graph.hidden_members,
    )


def export_graph(views: Sequence[GroupView]) -> ExportGraph:
    """The nodes and edges of `views` (already policy-checked), merged and sorted."""
    members: dict[str, MemberView] = {}
    groups_of: dict[str, list[str]] = {}
    edges: dict[tuple[str, str], ExportEdge] = {}
    for view in views:
        for member in view.members:
            members.setdefault(member.subject_id, member)
            groups_of.setdefault(member.subject_id, []).append(view.group_id)
        for edge in view.edges:
            key = (edge.subject_a, edge.subject_b)
            if key not in edges:
                edges[key] = _edge(edge, view.group_id)
    nodes = tuple(
        _node(members[subject], tuple(sorted(set(groups_of[subject]))))
        for subject in sorted(members)
    )
    return ExportGraph(
        groups=tuple(view.group_id for view in views),
        hidden_members=sum(view.hidden_members for view in views),
        nodes=nodes,
        edges=tuple(edges[key] for key in sorted(edges)),
    )


def write_graph(graph: ExportGraph, format: ExportFormat, out_path: Path) -> tuple[Path, ...]:
    """Write `graph` as `format` at `out_path`; the paths written."""
    if format is ExportFormat.GRAPHML:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(graphml_bytes(graph))
        return (out_path,)
    if format is ExportFormat.CSV:
        out_path.mkdir(parents=True, exist_ok=True)
        nodes, edges = out_path / "nodes.csv", out_path / "edges.csv"
        _write_csv(nodes, NODE_COLUMNS, [_node_row(node) for node in graph.nodes])
        _write_csv(edges, EDGE_COLUMNS, [_edge_row(edge) for edge in graph.edges])
        return (nodes, edges)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    _write_csv(out_path, MALTEGO_COLUMNS, maltego_rows(graph))
    return (out_path,)


_NODE_KEYS: Final = (
    # (key id, attr.name, attr.type)
    ("n_group", "group", "string"),
    ("n_state", "state", "string"),
    ("n_district", "district", "string"),
    ("n_priority", "priority", "double"),
    ("n_roles", "roles", "string"),
    ("n_abroad", "abroad", "string"),
    ("n_reports", "reports", "int"),
)
_EDGE_KEYS: Final = (
    ("e_group", "group", "string"),
    ("e_weight", "weight", "double"),
    ("e_kinds", "kinds", "string"),
    ("e_evidence_count", "evidence_count", "int"),
    ("e_evidence", "evidence", "string"),
)


def graphml_bytes(graph: ExportGraph) -> bytes:
    """`graph` as a GraphML 1.0 document (UTF-8, with the XML declaration)."""
    # The default namespace's prefix is None, which lxml's stubs do not allow for.
    namespaces: Any = {None: GRAPHML_NS, "xsi": _XSI_NS}
    root = etree.Element(f"{{{GRAPHML_NS}}}graphml", nsmap=namespaces)
    root.set(f"{{{_XSI_NS}}}schemaLocation", _GRAPHML_SCHEMA)
    for domain, keys in (("node", _NODE_KEYS), ("edge", _EDGE_KEYS)):
        for key_id, name, kind in keys:
            etree.SubElement(
                root,
                f"{{{GRAPHML_NS}}}key",
                {"id": key_id, "for": domain, "attr.name": name, "attr.type": kind},
            )
    body = etree.SubElement(
        root, f"{{{GRAPHML_NS}}}graph", {"id": "suraksha-groups", "edgedefault": "undirected"}
    )
    for node in graph.nodes:
        element = etree.SubElement(body, f"{{{GRAPHML_NS}}}node", {"id": node.subject_id})
        _data(element, "n_group", " ".join(node.groups))
        _data(element, "n_state", node.state)
        _data(element, "n_district", node.district)
        if node.priority is not None:
            _data(element, "n_priority", repr(node.priority))
        _data(element, "n_roles", " ".join(node.roles))
        _data(element, "n_abroad", " ".join(node.abroad))
        _data(element, "n_reports", str(node.reports))
    for number, edge in enumerate(graph.edges):
        element = etree.SubElement(
            body,
            f"{{{GRAPHML_NS}}}edge",
            {"id": f"e{number}", "source": edge.source, "target": edge.target},
        )
        _data(element, "e_group", edge.group_id)
        _data(element, "e_weight", repr(edge.weight))
        _data(element, "e_kinds", " ".join(edge.kinds))
        _data(element, "e_evidence_count", str(edge.evidence))
        _data(element, "e_evidence", edge.summary)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


NODE_COLUMNS: Final = (
    "subject_id",
    "groups",
    "state",
    "district",
    "priority",
    "roles",
    "abroad",
    "reports",
)
EDGE_COLUMNS: Final = (
    "source",
    "target",
    "group",
    "weight",
    "kinds",
    "evidence_count",
    "evidence",
)
MALTEGO_COLUMNS: Final = (
    "source_subject",
    "target_subject",
    "source_district",
    "source_roles",
    "source_abroad",
    "target_district",
    "target_roles",
    "target_abroad",
    "group",
    "link_weight",
    "link_kinds",
    "link_evidence",
)


def maltego_rows(graph: ExportGraph) -> list[list[str]]:
    """The Maltego table's rows: one per edge, then one per member without a visible edge."""
    nodes = {node.subject_id: node for node in graph.nodes}
    linked: set[str] = set()
    rows: list[list[str]] = []
    for edge in graph.edges:
        linked.update((edge.source, edge.target))
        source, target = nodes[edge.source], nodes[edge.target]
        rows.append(
            [
                source.subject_id,
                target.subject_id,
                *_maltego_side(source),
                *_maltego_side(target),
                edge.group_id,
                _number(edge.weight),
                " ".join(edge.kinds),
                edge.summary,
            ]
        )
    for node in graph.nodes:
        if node.subject_id not in linked:
            empty = ["", "", ""]
            rows.append(
                [node.subject_id, "", *_maltego_side(node), *empty, " ".join(node.groups), *empty]
            )
    return [[defuse(cell) for cell in row] for row in rows]


def evidence_summary(evidence: Sequence[dict[str, Any]]) -> str:
    """The strongest pieces of an edge's evidence in one line: kind, artefact, holders, the
    reports on each side; with how many more there are."""
    parts = [
        f"{piece.get('kind', '')} {piece.get('artefact', '')} "
        f"({piece.get('holders', '?')} holders; reports "
        f"{' '.join(piece.get('reports_a', []))} | {' '.join(piece.get('reports_b', []))})"
        for piece in evidence[:EVIDENCE_SHOWN]
    ]
    if len(evidence) > EVIDENCE_SHOWN:
        parts.append(f"and {len(evidence) - EVIDENCE_SHOWN} more")
    return "; ".join(parts)


def _format(value: ExportFormat | str) -> ExportFormat:
    try:
        return ExportFormat(str(value).casefold())
    except ValueError:
        known = ", ".join(f.value for f in ExportFormat)
        raise UserInputError(f"unknown export format {value!r}: use one of {known}") from None


def _node(member: MemberView, groups: tuple[str, ...]) -> ExportNode:
    return ExportNode(
        subject_id=member.subject_id,
        groups=groups,
        state=member.state or "",
        district=member.district or "",
        priority=member.priority,
        roles=tuple(member.role_names),
        abroad=tuple(sorted({str(r.get("country", "")) for r in member.abroad} - {""})),
        reports=len(member.report_ids),
    )


def _edge(edge: EdgeView, group_id: str) -> ExportEdge:
    return ExportEdge(
        source=edge.subject_a,
        target=edge.subject_b,
        group_id=group_id,
        weight=edge.weight,
        kinds=tuple(edge.kinds),
        evidence=len(edge.evidence),
        summary=evidence_summary(edge.evidence),
    )


def _data(element: etree._Element, key: str, value: str) -> None:
    etree.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": key}).text = value


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _node_row(node: ExportNode) -> list[str]:
    return [
        defuse(cell)
        for cell in (
            node.subject_id,
            " ".join(node.groups),
            node.state,
            node.district,
            _number(node.priority),
            " ".join(node.roles),
            " ".join(node.abroad),
            str(node.reports),
        )
    ]


def _edge_row(edge: ExportEdge) -> list[str]:
    return [
        defuse(cell)
        for cell in (
            edge.source,
            edge.target,
            edge.group_id,
            _number(edge.weight),
            " ".join(edge.kinds),
            str(edge.evidence),
            edge.summary,
        )
    ]


def _maltego_side(node: ExportNode) -> list[str]:
    return [node.district, " ".join(node.roles), " ".join(node.abroad)]


def _write_csv(path: Path, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows(rows)

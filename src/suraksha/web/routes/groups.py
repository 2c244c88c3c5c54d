"""Group pages: the list of groups (by district, role, evidence kind) and one group with its graph.

Every page calls `intel.networks.views`, which applies the subject policy and audits the reads:
a group with no member in the person's reach answers 404, exactly as one that does not exist,
and members out of reach are counted, never named. The group page carries its graph as a JSON
data block (`<script type="application/json">`, which a browser never executes, so the
Content-Security-Policy's `script-src 'self'` holds) read by static/groups.js, which draws it
with the vendored cytoscape.js; `/groups/{id}/graph.json` serves the same data to other tools.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Final

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from suraksha.errors import UserInputError
from suraksha.intel.networks.grouping import group_configured
from suraksha.intel.networks.holdings import ArtefactKind
from suraksha.intel.networks.memberships import judge_membership, parse_membership
from suraksha.intel.networks.roles import Role as GroupRole
from suraksha.intel.networks.views import GroupFilters, GroupNotFound, GroupView, list_groups
from suraksha.intel.networks.views import read_group as read_group_view
from suraksha.security.policy import Permission
from suraksha.web.deps import Db, Who, settings_of
from suraksha.web.routes.subjects import not_found, optional_text
from suraksha.web.templating import flash, render

router = APIRouter()

ROLES: Final = tuple(r.value for r in GroupRole)
KINDS: Final = tuple(k.value for k in ArtefactKind)


def group_filters(district: str | None, role: str | None, kind: str | None) -> GroupFilters:
    """The list's filters from query fields; an unknown role or kind is a user error."""
    wanted_role, wanted_kind = optional_text(role), optional_text(kind)
    if wanted_role is not None and wanted_role not in ROLES:
        raise UserInputError(f"Choose a role among {', '.join(ROLES)}, not {wanted_role!r}.")
    if wanted_kind is not None and wanted_kind not in KINDS:
        raise UserInputError(
            f"Choose an evidence kind among {', '.join(KINDS)}, not {wanted_kind!r}."
        )
    return GroupFilters(district=optional_text(district), role=wanted_role, kind=wanted_kind)


def graph_data(view: GroupView) -> dict[str, Any]:
    """The group's visible members and edges as cytoscape.js elements (also /graph.json)."""
    return {
        "group_id": view.group_id,
        "hidden_members": view.hidden_members,
        "nodes": [
            {
                "data": {
                    "id": member.subject_id,
                    "label": member.subject_id.removeprefix("subject-")[:8],
                    "state": member.state or "",
                    "district": member.district or "",
                    "priority": member.priority,
                    "roles": member.role_names,
                    "abroad": sorted({str(r.get("country", "")) for r in member.abroad} - {""}),
                }
            }
            for member in view.members
        ],
        "edges": [
            {
                "data": {
                    "id": f"e{number}",
                    "source": edge.subject_a,
                    "target": edge.subject_b,
                    "weight": edge.weight,
                    "kinds": edge.kinds,
                    "evidence": edge.evidence,
                }
            }
            for number, edge in enumerate(view.edges)
        ],
    }


@router.get("/groups", response_class=HTMLResponse, include_in_schema=False)
def group_list(
    request: Request,
    who: Who,
    session: Db,
    district: str | None = None,
    role: str | None = None,
    kind: str | None = None,
) -> Response:
    """Groups with a member in the person's reach, largest first, with the filters."""
    filters = group_filters(district, role, kind)
    groups = list_groups(session, who.actor, filters)
    return render(
        request,
        "groups/list.html",
        {
            "groups": groups,
            "query": {
                "district": filters.district or "",
                "role": filters.role or "",
                "kind": filters.kind or "",
            },
            "roles": ROLES,
            "kinds": KINDS,
            "scope": who.actor.describe_scope(Permission.SUBJECT_READ),
        },
    )


@router.get("/groups/{group_id}", response_class=HTMLResponse, include_in_schema=False)
def group_page(request: Request, who: Who, session: Db, group_id: str) -> Response:
    """One group: members, roles and measures, reasons, judgements, readings abroad, the graph.
    The read is audited (`group.read`, channel `web`)."""
    view = _read(session, who, group_id, "web")
    data = graph_data(view)
    return render(
        request,
        "groups/group.html",
        {
            "group": view,
            "graph_json": data_block(data),
            "districts": sorted({m.district for m in view.members if m.district}),
            "roles": ROLES,
            "kinds": sorted({k for e in view.edges for k in e.kinds}),
            "abroad": [m for m in view.members if m.abroad],
        },
    )


@router.get("/groups/{group_id}/graph.json", include_in_schema=False)
def group_graph(who: Who, session: Db, group_id: str) -> Response:
    """The group's graph as cytoscape.js elements; the same policy and audit as the page."""
    return JSONResponse(graph_data(_read(session, who, group_id, "web")))


@router.post("/groups/{group_id}/membership", include_in_schema=False)
def post_membership(
    request: Request,
    who: Who,
    session: Db,
    group_id: str,
    subject_id: Annotated[str, Form(max_length=64)] = "",
    decision: Annotated[str, Form(max_length=32)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Record a membership judgement (`subject.write` on the subject) and regroup the network."""
    _read(session, who, group_id, "web")  # the group must be within reach, as for the page
    chosen = parse_membership(decision)
    try:
        judged = judge_membership(session, who.actor, group_id, subject_id.strip(), chosen, reason)
    except UserInputError as err:
        if "no subject" in str(err):
            raise not_found(err) from err
        raise
    result = group_configured(session, settings_of(request))
    flash(
        request,
        f"Recorded: {judged.subject_id} {chosen.value.replace('_', ' ')} of {group_id}. "
        f"Regrouped: {result.groups:,} groups of {result.members:,} members.",
        "success",
    )
    return RedirectResponse(f"/groups/{group_id}#judgements", status_code=303)


def _read(session: Db, who: Who, group_id: str, channel: str) -> GroupView:
    try:
        return read_group_view(session, who.actor, group_id, channel=channel)
    except GroupNotFound as err:
        raise not_found(err) from err


def data_block(data: dict[str, Any]) -> str:
    """JSON safe inside `<script type="application/json">`: `<`, `>` and `&` are escaped, so no
    value (a platform group's name, say) can close the element."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

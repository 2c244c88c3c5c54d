"""Edges and communities on hand-made holdings: what joins two subjects and what never does."""

from __future__ import annotations

from datetime import UTC, datetime

from suraksha.intel.networks.communities import find_communities
from suraksha.intel.networks.edges import Method, build_network
from suraksha.intel.networks.holdings import ArtefactKind, FileFacts, Holding, Holdings

AT = datetime(2026, 5, 1, tzinfo=UTC)


def holdings(*rows: tuple[ArtefactKind, str, str, str]) -> Holdings:
    found = Holdings()
    for kind, key, subject, report in rows:
        found.holdings.append(Holding(kind, key, subject, report, AT))
        found.subjects.add(subject)
        if kind is ArtefactKind.FILE:
            found.files.setdefault(key, FileFacts(key, frozenset(), False))
    return found


F, G = ArtefactKind.FILE, ArtefactKind.PLATFORM_GROUP


def test_one_rare_file_in_common_is_chance_two_make_an_edge() -> None:
    one = build_network(holdings((F, "file:x", "s1", "r1"), (F, "file:x", "s2", "r2")), Method())
    assert one.edges == []
    assert one.pairs_below_threshold == 1
    two = build_network(
        holdings(
            (F, "file:x", "s1", "r1"),
            (F, "file:x", "s2", "r2"),
            (F, "file:y", "s1", "r1"),
            (F, "file:y", "s2", "r2"),
        ),
        Method(),
    )
    [edge] = two.edges
    assert (edge.a, edge.b, edge.kinds) == ("s1", "s2", ["file"])
    assert {e.label for e in edge.evidence} == {"file:x", "file:y"}
    assert edge.evidence[0].reports_a == ("r1",) and edge.evidence[0].reports_b == ("r2",)


def test_a_platform_group_alone_joins_its_members() -> None:
    network = build_network(
        holdings((G, "platform_group:t:g1", "a", "1"), (G, "platform_group:t:g1", "b", "2")),
        Method(),
    )
    assert [(e.a, e.b, e.score) for e in network.edges] == [("a", "b", 1.0)]


def test_a_file_too_many_hold_joins_no_one_and_is_reported() -> None:
    method = Method(max_file_holders=5)
    rows = [(F, "file:viral", f"s{i}", f"r{i}") for i in range(6)]
    rows += [(F, "file:other-viral", f"s{i}", f"r{i}") for i in range(6)]
    network = build_network(holdings(*rows), method)
    assert network.edges == []
    assert {(t.label, t.holders) for t in network.too_common} == {
        ("file:viral", 6),
        ("file:other-viral", 6),
    }


def test_rarer_files_weigh_more() -> None:
    """Two files each held by twelve subjects do not join a pair; two held by three do."""
    method = Method()
    common = [(F, f"file:c{k}", f"s{i}", f"r{i}") for k in range(2) for i in range(12)]
    rare = [(F, f"file:r{k}", f"t{i}", f"q{i}") for k in range(2) for i in range(3)]
    network = build_network(holdings(*common, *rare), method)
    joined = {(e.a, e.b) for e in network.edges}
    assert joined == {("t0", "t1"), ("t0", "t2"), ("t1", "t2")}


def test_communities_split_two_circles_joined_by_one_member() -> None:
    rows = []
    for name, members in (("g1", "abcd"), ("g2", "wxyz")):
        rows += [(G, f"platform_group:t:{name}", m, f"{name}{m}") for m in members]
    rows += [(G, "platform_group:t:bridge", m, f"bridge{m}") for m in "dw"]
    method = Method()
    network = build_network(holdings(*rows), method)
    groups = find_communities(network.edges, method)
    assert groups == [list("abcd"), list("wxyz")]
    assert find_communities(list(reversed(network.edges)), method) == groups  # order-free


def test_a_pair_is_no_group() -> None:
    network = build_network(
        holdings((G, "platform_group:t:p", "a", "1"), (G, "platform_group:t:p", "b", "2")),
        Method(),
    )
    assert find_communities(network.edges, Method()) == []
    assert find_communities(network.edges, Method(min_group_size=2)) == [["a", "b"]]

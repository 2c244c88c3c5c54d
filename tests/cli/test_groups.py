"""`suraksha groups`, `group` and `membership` end to end, as an analyst runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suraksha.config import Settings
from tests.commands import ok, suraksha


def groups(settings: Settings, *options: str) -> list[dict[str, Any]]:
    out = ok(suraksha(settings, "groups", "--format", "jsonl", *options))
    return [json.loads(line) for line in out.splitlines()]


@pytest.mark.slow
def test_an_analyst_lists_reads_and_judges_groups(settings: Settings, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    ok(suraksha(settings, "synth", "tips", str(corpus), "--persons", "80", "--seed", "4"))
    ok(suraksha(settings, "init"))
    ok(
        suraksha(
            settings,
            "hashes",
            "import",
            str(corpus / "known-hashes.md5"),
            "--bank",
            "known",
            "--kind",
            "known",
        )
    )
    ok(suraksha(settings, "ingest", str(corpus)))
    resolved = ok(suraksha(settings, "resolve"))
    assert " groups of " in resolved

    found = groups(settings)
    assert found, "the corpus has circles on platform groups"
    for record in found:
        assert record["group_id"].startswith("NG-")
        assert record["size"] == len(record["subject_ids"]) >= 3
        assert record["report_ids"] and record["reasons"]
        assert set(record) >= {"group_id", "subject_ids", "report_ids", "size", "reasons", "roles"}
    largest = found[0]
    shown = ok(suraksha(settings, "group", largest["group_id"]))
    assert largest["subject_ids"][0] in shown and "held by" in shown

    profile = ok(suraksha(settings, "subject", largest["subject_ids"][-1]))
    assert f"member of group {largest['group_id']}" in profile

    leaving = largest["subject_ids"][0]
    judged = ok(
        suraksha(
            settings,
            "membership",
            largest["group_id"],
            leaving,
            "not-member",
            "--reason",
            "a buyer, not a member",
        )
    )
    assert "Recorded judgement" in judged
    after = {g["group_id"]: g for g in groups(settings)}
    assert leaving not in after[largest["group_id"]]["subject_ids"]
    wrong = suraksha(settings, "membership", largest["group_id"], leaving, "maybe", "--reason", "x")
    assert wrong.returncode == 1 and "member or not-member" in (wrong.stdout + wrong.stderr)
    missing = suraksha(settings, "group", "NG-DOESNOTEXIST")
    assert missing.returncode == 1 and "no group" in (missing.stdout + missing.stderr)

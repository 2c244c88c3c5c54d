"""Law by date, the offence registry and charge suggestions (cases/law.py)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suraksha.cases.law import (
    ACT_LABELS,
    ACTS,
    COUNTERPARTS,
    NEW_CODES_FROM,
    OFFENCES,
    POCSO_2019_FROM,
    ActCode,
    EvidenceKind,
    Offence,
    act,
    bns_for_ipc,
    ipc_for_bns,
    offence_on,
    penal_code_for,
    procedure_for,
    section_version,
    suggest_charges,
)

DOCS = (Path(__file__).parents[2] / "docs" / "law.md").read_text(encoding="utf-8")
DAYS = st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31))


# The registry ------------------------------------------------------------------------------


def test_registry_has_no_duplicate_act_section_version() -> None:
    keys = [(o.act, o.section, o.version) for o in OFFENCES]
    assert len(keys) == len(set(keys))


def test_versions_of_a_section_never_overlap() -> None:
    for first in OFFENCES:
        for second in OFFENCES:
            if first is second or (first.act, first.section) != (second.act, second.section):
                continue
            assert first.in_force_until is not None or second.in_force_until is not None
            earlier, later = sorted((first, second), key=lambda o: o.in_force_from or date.min)
            assert earlier.in_force_until is not None
            assert later.in_force_from is not None
            assert earlier.in_force_until + timedelta(days=1) == later.in_force_from


def test_every_offence_is_of_a_known_act_and_sourced() -> None:
    known = {a.code for a in ACTS}
    for offence in OFFENCES:
        assert offence.act in known
        assert offence.source.url and offence.source.title
        if offence.in_force_from and offence.in_force_until:
            assert offence.in_force_from <= offence.in_force_until
        if offence.cognisable is not None or offence.bailable is not None:
            assert offence.classification_source is not None


def test_every_offence_counterpart_and_act_is_in_the_docs() -> None:
    for offence in OFFENCES:
        assert f"{ACT_LABELS[offence.act]} s.{offence.section}" in DOCS, offence.label
    for pair in COUNTERPARTS:
        assert f"| {pair.ipc} | {pair.bns} |" in DOCS
    for statute in ACTS:
        assert statute.title in DOCS


def test_counterparts_name_encoded_sections_on_each_side_of_1_july_2024() -> None:
    for pair in COUNTERPARTS:
        ipc = offence_on(ActCode.IPC, pair.ipc, NEW_CODES_FROM - timedelta(days=1))
        bns = offence_on(ActCode.BNS, pair.bns, NEW_CODES_FROM)
        assert ipc is not None and ipc.section == pair.ipc
        assert bns is not None and bns.section == pair.bns
        assert offence_on(ActCode.IPC, pair.ipc, NEW_CODES_FROM) is None
        assert offence_on(ActCode.BNS, pair.bns, NEW_CODES_FROM - timedelta(days=1)) is None
    to_bns, to_ipc = bns_for_ipc("292"), ipc_for_bns("72")
    assert to_bns is not None and to_bns.bns == "294"
    assert to_ipc is not None and to_ipc.ipc == "228A"
    assert bns_for_ipc("302") is None


# Which law applies -------------------------------------------------------------------------


def test_offence_before_1_july_2024_with_fir_after_is_ipc_under_bnss_and_bsa() -> None:
    procedure = procedure_for(date(2024, 6, 1), date(2024, 7, 5))
    assert (procedure.penal, procedure.procedure, procedure.evidence) == (
        ActCode.IPC,
        ActCode.BNSS,
        ActCode.BSA,
    )
    # Why: the offence date fixes the substantive law (Art. 20(1)); nothing was pending on
    # 1 Jul 2024, so the savings clauses do not keep the CrPC.
    assert "not pending on 01 Jul 2024" in procedure.reason
    assert "Art. 20(1)" in procedure.reason
    assert any("Deepu" in s.title for s in procedure.sources)


def test_investigation_pending_on_1_july_2024_stays_under_crpc_and_evidence_act() -> None:
    procedure = procedure_for(date(2024, 5, 20), date(2024, 6, 20))
    assert (procedure.penal, procedure.procedure, procedure.evidence) == (
        ActCode.IPC,
        ActCode.CRPC,
        ActCode.IEA,
    )
    assert "s.531(2)(a)" in procedure.reason and "s.170(2)" in procedure.reason


def test_an_investigation_begun_before_the_fir_counts_as_pending() -> None:
    procedure = procedure_for(date(2024, 6, 1), date(2024, 7, 2), date(2024, 6, 28))
    assert procedure.procedure == ActCode.CRPC


def test_offence_on_1_july_2024_is_bns_and_no_fir_yet_is_bnss() -> None:
    assert penal_code_for(date(2024, 6, 30)) == ActCode.IPC
    assert penal_code_for(date(2024, 7, 1)) == ActCode.BNS
    procedure = procedure_for(date(2024, 7, 1), None)
    assert (procedure.penal, procedure.procedure) == (ActCode.BNS, ActCode.BNSS)
    assert "not yet begun" in procedure.reason


def test_pocso_15_before_and_after_16_august_2019() -> None:
    new = offence_on(ActCode.POCSO, "15(1)", date(2024, 1, 1))
    assert new is not None and new.version == "2019"
    old = section_version(new, date(2019, 8, 15))
    assert old is not None
    assert (old.section, old.version) == ("15", "2012")
    assert "commercial" in old.title
    again = section_version(new, POCSO_2019_FROM)
    assert again is not None and (again.section, again.version) == ("15(1)", "2019")
    assert "fine not less than ₹5,000" in again.punishment


def test_pocso_14_punishment_changes_from_a_maximum_to_a_minimum() -> None:
    before = offence_on(ActCode.POCSO, "14(1)", date(2019, 8, 15))
    after = offence_on(ActCode.POCSO, "14(1)", date(2019, 8, 16))
    assert before is not None and before.max_years == 5.0 and "up to 5 years" in before.punishment
    assert after is not None and after.max_years is None
    assert "not less than 5 years" in after.punishment


def test_nothing_in_force_before_the_act() -> None:
    assert offence_on(ActCode.POCSO, "12", date(2012, 11, 13)) is None
    assert offence_on(ActCode.POCSO, "12", date(2012, 11, 14)) is not None
    assert offence_on(ActCode.IT_ACT, "67B(b)", date(2009, 10, 26)) is None


# Charges -----------------------------------------------------------------------------------


def test_possession_suggests_pocso_15_with_it_67b_b_and_warns_against_bns_294() -> None:
    result = suggest_charges([EvidenceKind.POSSESSION], date(2024, 8, 1))
    assert result.labels == ["POCSO s.15(1)", "IT Act s.67B(b)"]
    assert "POCSO s.42" in result.charges[1].reason
    assert [w.code for w in result.warnings] == ["no_general_obscenity_charge"]
    warning = result.warnings[0]
    assert "do not add BNS s.294" in warning.message
    assert "special law" in warning.reason and "s.81" in warning.reason
    assert any("Digumarti" in s.title for s in warning.sources)


def test_possession_before_1_july_2024_warns_against_ipc_292() -> None:
    result = suggest_charges([EvidenceKind.BROWSING], date(2023, 3, 9))
    assert result.labels == ["POCSO s.15(1)", "IT Act s.67B(b)"]
    assert "do not add IPC s.292" in result.warnings[0].message


def test_possession_before_the_2019_amendment_is_67b_only() -> None:
    result = suggest_charges([EvidenceKind.POSSESSION], date(2018, 8, 1))
    assert result.labels == ["IT Act s.67B(b)"]
    assert "POCSO s.42" not in result.charges[0].reason
    assert [w.code for w in result.warnings] == [
        "pocso_15_before_2019",
        "no_general_obscenity_charge",
    ]
    commercial = suggest_charges([EvidenceKind.COMMERCIAL], date(2018, 8, 1))
    assert commercial.labels == ["POCSO s.15"]
    assert commercial.charges[0].offence.version == "2012"


def test_production_suggests_pocso_13_and_14_by_date() -> None:
    result = suggest_charges([EvidenceKind.PRODUCTION], date(2025, 2, 3))
    assert result.labels == ["POCSO s.13", "POCSO s.14(1)"]
    assert result.charges[1].offence.version == "2019"
    old = suggest_charges([EvidenceKind.PRODUCTION], date(2016, 2, 3))
    assert old.charges[1].offence.version == "2012"


def test_grooming_suggests_pocso_11_12_with_67b_c_and_no_obscenity_warning() -> None:
    result = suggest_charges([EvidenceKind.GROOMING, EvidenceKind.ENTICEMENT], date(2025, 2, 3))
    assert result.labels == ["POCSO s.11", "POCSO s.12", "IT Act s.67B(c)"]
    assert result.warnings == []


def test_distribution_and_possession_together_do_not_repeat_a_section() -> None:
    evidence = [EvidenceKind.POSSESSION, EvidenceKind.DISTRIBUTION, EvidenceKind.POSSESSION]
    result = suggest_charges(evidence, date(2025, 2, 3))
    assert result.labels == ["POCSO s.15(1)", "IT Act s.67B(b)", "POCSO s.15(2)", "IT Act s.67B(a)"]


def test_conduct_before_any_encoded_law_says_so() -> None:
    result = suggest_charges([EvidenceKind.GROOMING], date(2008, 1, 1))
    assert result.charges == []
    assert [w.code for w in result.warnings] == ["no_offence_in_force"]
    assert suggest_charges([], date(2025, 1, 1)).warnings == []


# Properties --------------------------------------------------------------------------------

ORDER = {ActCode.IPC: 0, ActCode.BNS: 1, ActCode.CRPC: 0, ActCode.BNSS: 1}


@given(DAYS, DAYS)
def test_penal_code_is_monotonic_in_the_offence_date(first: date, second: date) -> None:
    early, late = sorted((first, second))
    assert ORDER[penal_code_for(early)] <= ORDER[penal_code_for(late)]


@given(DAYS, DAYS, DAYS)
def test_procedure_is_monotonic_in_the_fir_date(offence: date, first: date, second: date) -> None:
    early, late = sorted((first, second))
    a, b = procedure_for(offence, early), procedure_for(offence, late)
    assert ORDER[a.procedure] <= ORDER[b.procedure]
    assert a.penal == b.penal == penal_code_for(offence)
    assert (a.procedure, a.evidence) in {(ActCode.CRPC, ActCode.IEA), (ActCode.BNSS, ActCode.BSA)}


@given(st.sampled_from(OFFENCES), DAYS)
def test_section_version_is_always_in_force_on_the_date(offence: Offence, day: date) -> None:
    found = section_version(offence, day)
    if found is not None:
        assert found.in_force_on(day)
        assert (found.act, found.base_section) == (offence.act, offence.base_section)


@given(st.sets(st.sampled_from(list(EvidenceKind))), DAYS)
def test_every_suggestion_is_in_force_and_unique(evidence: set[EvidenceKind], day: date) -> None:
    result = suggest_charges(evidence, day)
    assert all(c.offence.in_force_on(day) for c in result.charges)
    assert len(result.labels) == len(set(result.labels))


@pytest.mark.parametrize("kind", list(EvidenceKind))
def test_every_evidence_kind_suggests_something_today(kind: EvidenceKind) -> None:
    assert suggest_charges([kind], date(2026, 11, 26)).charges


def test_acts_are_unique_and_the_old_codes_end_when_the_new_begin() -> None:
    assert len({a.code for a in ACTS}) == len(ACTS) == len(ActCode)
    for old, new in (
        (ActCode.IPC, ActCode.BNS),
        (ActCode.CRPC, ActCode.BNSS),
        (ActCode.IEA, ActCode.BSA),
    ):
        assert act(old).in_force_on(NEW_CODES_FROM - timedelta(days=1))
        assert not act(old).in_force_on(NEW_CODES_FROM)
        assert act(new).in_force_on(NEW_CODES_FROM)
        assert not act(new).in_force_on(NEW_CODES_FROM - timedelta(days=1))

"""Tests of the synthetic tip corpus: layout, schema validity, truth, determinism and realism."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from suraksha.errors import UserInputError
from suraksha.synthetic import network
from suraksha.synthetic.devices import luhn_valid
from suraksha.synthetic.timestamps import REFERENCE_INSTANT
from suraksha.synthetic.tips import CorpusSummary, count_reports, write_corpus

PERSONS = 60
SEED = 7

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


@dataclass(frozen=True, slots=True)
class Corpus:
    """A written corpus with every document parsed."""

    out: Path
    summary: CorpusSummary
    truth: dict[str, Any]
    xml_reports: dict[str, etree._ElementTree]  # report id -> report.xml
    xml_files: dict[str, list[etree._ElementTree]]  # report id -> fileDetails documents
    json_reports: dict[str, dict[str, Any]]  # report id -> JSON object


def parse_xml(path: Path) -> etree._ElementTree:
    """Parse a generated document without entity expansion or network access."""
    return etree.parse(str(path), _PARSER)


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    """NCMEC's XML schema as shipped in the package."""
    xsd = resources.files("suraksha.intake.formats") / "schemas" / "cyber_tipline.xsd"
    with resources.as_file(xsd) as path:
        return etree.XMLSchema(parse_xml(path))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A 60-person corpus (seed 7), written once for this module and parsed."""
    out = tmp_path_factory.mktemp("corpus") / "tips"
    summary = write_corpus(out, persons=PERSONS, seed=SEED)
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    xml_reports: dict[str, etree._ElementTree] = {}
    xml_files: dict[str, list[etree._ElementTree]] = {}
    json_reports: dict[str, dict[str, Any]] = {}
    for entry in sorted(out.iterdir()):
        if entry.is_dir():
            xml_reports[entry.name] = parse_xml(entry / "report.xml")
            xml_files[entry.name] = [parse_xml(f) for f in sorted((entry / "files").iterdir())]
        elif entry.suffix == ".json" and entry.name != "truth.json":
            json_reports[entry.stem] = json.loads(entry.read_text(encoding="utf-8"))
    return Corpus(out, summary, truth, xml_reports, xml_files, json_reports)


_INCIDENT_TYPES = {
    "Child Pornography (possession, manufacture, and distribution)",
    "Online Enticement of Children for Sexual Acts",
    "Unsolicited Obscene Material Sent to a Child",
}
_PERSON_KEYS = {
    "firstName",
    "middleName",
    "lastName",
    "dateOfBirth",
    "approximateAge",
    "espService",
    "espUserId",
    "screenName",
    "emails",
    "phones",
    "addresses",
    "sourceInformation",
    "additionalInformations",
}
_FILE_KEYS = {
    "filename",
    "originalFilename",
    "verificationHash",
    "viewedByEsp",
    "industryClassification",
    "sourceInformation",
    "espMetadata",
}


@dataclass(frozen=True, slots=True)
class Seen:
    """One value a report shows about its reported person."""

    report_id: str
    person_id: str
    kind: str  # phone | email | ip | md5 | group
    value: str
    port: str | None = None


def _seen(corpus: Corpus) -> list[Seen]:
    """Every phone, e-mail, IP capture, file MD5 and group id shown for reported persons."""
    people = corpus.truth["reports"]
    out: list[Seen] = []
    for rid, doc in corpus.xml_reports.items():
        pid = people[rid]
        reported = doc.getroot().find("personOrUserReported")
        assert reported is not None
        for phone in reported.iterfind("personOrUserReportedPerson/phone"):
            out.append(Seen(rid, pid, "phone", phone.text or ""))
        for email in reported.iterfind("personOrUserReportedPerson/email"):
            out.append(Seen(rid, pid, "email", email.text or ""))
        for event in reported.iterfind("ipCaptureEvent"):
            address = event.findtext("ipAddress") or ""
            out.append(Seen(rid, pid, "ip", address, event.findtext("port")))
        group = reported.findtext("groupIdentifier")
        if group:
            out.append(Seen(rid, pid, "group", group))
        for file_doc in corpus.xml_files[rid]:
            for digest in file_doc.getroot().iterfind("originalFileHash[@hashType='MD5']"):
                out.append(Seen(rid, pid, "md5", (digest.text or "").lower()))
    for rid, obj in corpus.json_reports.items():
        pid = people[rid]
        for person in obj["reportedPeople"]["reportedPersons"]:
            out.extend(Seen(rid, pid, "phone", p["value"]) for p in person["phones"]["phones"])
            out.extend(Seen(rid, pid, "email", e["value"]) for e in person["emails"]["emails"])
            for capture in person["sourceInformation"]["sourceCaptures"]:
                if capture["captureType"] == "IP Address":
                    port = None if capture["port"] is None else str(capture["port"])
                    out.append(Seen(rid, pid, "ip", capture["value"], port))
        for item in obj["uploadedFiles"]["uploadedFiles"]:
            out.append(Seen(rid, pid, "md5", item["verificationHash"]))
    return out


def _digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _parse_instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# Layout and schema


def test_summary_matches_what_is_on_disk(corpus: Corpus) -> None:
    summary = corpus.summary
    assert summary.persons == PERSONS
    assert summary.reports == len(corpus.xml_reports) + len(corpus.json_reports)
    assert summary.xml_reports == len(corpus.xml_reports)
    assert summary.json_reports == len(corpus.json_reports)
    files = sum(len(docs) for docs in corpus.xml_files.values()) + sum(
        len(obj["uploadedFiles"]["uploadedFiles"]) for obj in corpus.json_reports.values()
    )
    assert summary.files == files
    assert summary.groups == len(corpus.truth["groups"]) >= 1
    # Roughly half of each format, and a heavy-tailed 1–8 reports per person.
    assert 0.3 < summary.xml_reports / summary.reports < 0.7
    assert PERSONS <= summary.reports <= 8 * PERSONS


def test_every_xml_document_is_valid_against_the_schema(
    corpus: Corpus, schema: etree.XMLSchema
) -> None:
    for rid, doc in corpus.xml_reports.items():
        assert schema.validate(doc), (rid, str(schema.error_log))
        assert doc.getroot().tag == "report"
        assert 1 <= len(corpus.xml_files[rid]) <= 6
        for file_doc in corpus.xml_files[rid]:
            assert schema.validate(file_doc), (rid, str(schema.error_log))
            assert file_doc.getroot().findtext("reportId") == rid


def test_file_documents_are_named_by_their_file_id(corpus: Corpus) -> None:
    for rid, docs in corpus.xml_files.items():
        paths = sorted((corpus.out / rid / "files").iterdir())
        names = [f"{doc.getroot().findtext('fileId')}.xml" for doc in docs]
        assert [path.name for path in paths] == names


def test_report_ids_look_like_cybertipline_numbers(corpus: Corpus) -> None:
    ids = [*corpus.xml_reports, *corpus.json_reports]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[1-9]\d{7,8}", rid) for rid in ids)
    assert all(obj["reportId"] == int(rid) for rid, obj in corpus.json_reports.items())


def test_json_reports_use_the_documented_keys(corpus: Corpus) -> None:
    for rid, obj in corpus.json_reports.items():
        assert {
            "reportId",
            "dateReceived",
            "reportedInformation",
            "incidentSummary",
            "reportedPeople",
            "intendedRecipients",
            "uploadedFiles",
        } <= set(obj), rid
        assert obj["reportedInformation"]["reportingEsp"]["espName"]
        assert obj["incidentSummary"]["incidentType"] in _INCIDENT_TYPES
        people: list[dict[str, Any]] = [
            *obj["reportedPeople"]["reportedPersons"],
            *obj["intendedRecipients"]["intendedRecipients"],
        ]
        assert len(obj["reportedPeople"]["reportedPersons"]) == 1
        for person in people:
            assert set(person) == _PERSON_KEYS
            assert person["screenName"] is None or set(person["screenName"]) == {"value"}
            for email in person["emails"]["emails"]:
                assert set(email) == {"value", "verified"}
            for phone in person["phones"]["phones"]:
                assert set(phone) == {"value", "verified"}
            for address in person["addresses"]["addresses"]:
                assert set(address) == {
                    "street1",
                    "street2",
                    "city",
                    "state",
                    "postalCode",
                    "country",
                }
            for capture in person["sourceInformation"]["sourceCaptures"]:
                assert set(capture) == {"captureType", "value", "dateTime", "port", "eventName"}
                assert capture["captureType"] in {"IP Address", "URL", "Profile URL"}
        files = obj["uploadedFiles"]["uploadedFiles"]
        assert 1 <= len(files) <= 6
        for item in files:
            assert _FILE_KEYS <= set(item) <= _FILE_KEYS | {"ncmecTags"}
            assert re.fullmatch(r"[0-9a-f]{32}", item["verificationHash"])
            for meta in item["espMetadata"]["metadatas"]:
                assert set(meta) == {"name", "value"}


def test_truth_covers_every_report_and_person(corpus: Corpus) -> None:
    truth = corpus.truth
    assert truth["seed"] == SEED
    assert set(truth["reports"]) == set(corpus.xml_reports) | set(corpus.json_reports)
    persons = truth["persons"]
    assert len(persons) == PERSONS
    assert set(truth["reports"].values()) <= set(persons)
    assert set(truth["reports"].values()) == set(persons)  # everyone is reported at least once
    for person in persons.values():
        assert person["name"]
        assert re.fullmatch(r"[1-9]\d{5}", person["pincode"])
        assert person["state"] == person["state"].upper()
    for group_id, group in truth["groups"].items():
        assert 3 <= len(group["members"]) <= 12
        assert all(persons[member]["group"] == group_id for member in group["members"])
    in_groups = sum(1 for p in persons.values() if p["group"])
    assert 0.1 * PERSONS <= in_groups <= 0.4 * PERSONS
    kerala_telangana = sum(1 for p in persons.values() if p["state"] in ("KERALA", "TELANGANA"))
    assert kerala_telangana > PERSONS / 2


def test_times_fall_in_the_corpus_window(corpus: Corpus) -> None:
    earliest = REFERENCE_INSTANT - timedelta(days=550)
    for obj in corpus.json_reports.values():
        incident = _parse_instant(obj["incidentSummary"]["incidentDateTime"])
        received = _parse_instant(obj["dateReceived"])
        assert received.utcoffset() in (timedelta(hours=-4), timedelta(hours=-5))
        assert earliest <= incident <= received <= REFERENCE_INSTANT
        assert timedelta(days=25) <= received - incident <= timedelta(days=92)
    for doc in corpus.xml_reports.values():
        incident = _parse_instant(doc.getroot().findtext("incidentSummary/incidentDateTime") or "")
        assert incident.tzinfo is not None
        assert earliest <= incident <= REFERENCE_INSTANT


def test_known_hashes_parse_and_cover_a_share_of_report_files(corpus: Corpus) -> None:
    lines = (corpus.out / "known-hashes.md5").read_text(encoding="ascii").splitlines()
    assert len(lines) == corpus.summary.known_hashes > 0
    known = set()
    for line in lines:
        match = re.fullmatch(r"([0-9a-f]{32})  (\S+)", line)
        assert match, line
        known.add(match.group(1))
    md5s = {s.value for s in _seen(corpus) if s.kind == "md5"}
    share = len(md5s & known) / len(md5s)
    assert 0.4 < share < 0.8


# Determinism


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    first = write_corpus(tmp_path / "a", persons=25, seed=3)
    second = write_corpus(tmp_path / "b", persons=25, seed=3)
    other = write_corpus(tmp_path / "c", persons=25, seed=4)
    assert first.reports == second.reports
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a") != _digests(tmp_path / "c")
    assert other.persons == 25


def test_a_corpus_needs_a_person(tmp_path: Path) -> None:
    with pytest.raises(UserInputError, match="at least one person"):
        write_corpus(tmp_path / "none", persons=0)


def test_count_reports_and_progress_callback_agree(tmp_path: Path) -> None:
    calls: list[None] = []
    summary = write_corpus(tmp_path / "c", persons=12, seed=5, on_report=lambda: calls.append(None))
    assert count_reports(12, 5) == summary.reports == len(calls)


# Realism: what makes identity resolution hard


def test_cgnat_addresses_are_shared_by_unrelated_persons_on_different_ports(
    corpus: Corpus,
) -> None:
    mobile_blocks = {block for _, blocks, _ in network.OPERATORS.values() for block in blocks}
    persons: dict[str, set[str]] = defaultdict(set)
    ports: dict[str, set[str]] = defaultdict(set)
    for seen in _seen(corpus):
        if seen.kind == "ip" and ".".join(seen.value.split(".")[:2]) in mobile_blocks:
            persons[seen.value].add(seen.person_id)
            if seen.port:
                ports[seen.value].add(seen.port)
    shared = [a for a in persons if len(persons[a]) >= 3 and len(ports[a]) >= 3]
    assert shared
    for address in shared:
        assert ipaddress.ip_address(address).is_global  # the public side of the NAT


def test_ipv6_and_portless_broadband_captures_exist(corpus: Corpus) -> None:
    ips = [s for s in _seen(corpus) if s.kind == "ip"]
    assert any(ipaddress.ip_address(s.value).version == 6 for s in ips)
    assert any(s.port is None for s in ips)


def test_a_persons_phone_appears_in_several_forms(corpus: Corpus) -> None:
    forms: dict[tuple[str, str], set[str]] = defaultdict(set)
    for seen in _seen(corpus):
        if seen.kind == "phone" and "*" not in seen.value:
            digits = re.sub(r"\D", "", seen.value)[-10:]
            forms[(seen.person_id, digits)].add(seen.value)
    assert max(len(v) for v in forms.values()) >= 2


def test_some_identifiers_are_masked(corpus: Corpus) -> None:
    masked = [s for s in _seen(corpus) if s.kind in ("phone", "email") and "*" in s.value]
    assert masked


def test_unrelated_persons_share_a_full_name(corpus: Corpus) -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for pid, person in corpus.truth["persons"].items():
        by_name[person["name"]].append(pid)
    assert any(len(pids) >= 2 for pids in by_name.values())


def test_enticement_reports_name_child_recipients(corpus: Corpus) -> None:
    enticement = "Online Enticement of Children for Sexual Acts"
    ages: list[int] = []
    found = 0
    for doc in corpus.xml_reports.values():
        root = doc.getroot()
        if root.findtext("incidentSummary/incidentType") == enticement:
            found += 1
            assert root.find("intendedRecipient") is not None
            ages.extend(int(a.text or "") for a in root.iterfind("intendedRecipient/*/age"))
    for obj in corpus.json_reports.values():
        if obj["incidentSummary"]["incidentType"] == enticement:
            found += 1
            recipients = obj["intendedRecipients"]["intendedRecipients"]
            assert len(recipients) == 1
            ages.extend(r["approximateAge"] for r in recipients if r["approximateAge"])
    assert found >= 1
    assert all(12 <= age <= 16 for age in ages)


def test_group_members_share_group_ids_and_files(corpus: Corpus) -> None:
    truth = corpus.truth
    seen = _seen(corpus)
    groups: dict[str, set[str]] = defaultdict(set)
    for s in seen:
        if s.kind == "group":
            groups[s.value].add(s.person_id)
    # A platform group id only ever appears on reports about members of one truth group.
    for members in groups.values():
        assert len({truth["persons"][pid]["group"] for pid in members}) == 1
    holders: dict[str, set[str]] = defaultdict(set)
    for s in seen:
        if s.kind == "md5":
            holders[s.value].add(s.person_id)
    shared_in_group = False
    for group in truth["groups"].values():
        members = set(group["members"])
        shared_in_group |= any(len(pids & members) >= 2 for pids in holders.values())
    assert shared_in_group
    # Viral files reach many unrelated persons.
    assert max(len(pids) for pids in holders.values()) >= 4


def test_reporter_contact_repeats_across_persons_and_is_not_reported(corpus: Corpus) -> None:
    persons_by_contact: dict[str, set[str]] = defaultdict(set)
    for rid, doc in corpus.xml_reports.items():
        contact = doc.getroot().findtext("reporter/reportingPerson/email")
        assert contact and contact.startswith("cybertip-reports@")
        persons_by_contact[contact].add(corpus.truth["reports"][rid])
    assert max(len(p) for p in persons_by_contact.values()) >= 3
    reported = {s.value.lower() for s in _seen(corpus) if s.kind == "email"}
    assert not reported & set(persons_by_contact)


def test_device_ids_are_imeis_with_valid_check_digits(corpus: Corpus) -> None:
    imeis = [
        device.findtext("idValue") or ""
        for doc in corpus.xml_reports.values()
        for device in doc.getroot().iter("deviceId")
    ]
    assert imeis
    assert all(len(imei) == 15 and luhn_valid(imei) for imei in imeis)


def test_addresses_and_estimated_locations_appear_in_some_reports(corpus: Corpus) -> None:
    roots = [doc.getroot() for doc in corpus.xml_reports.values()]
    located = [r for r in roots if r.find("personOrUserReported/estimatedLocation") is not None]
    assert 0 < len(located) < len(roots)
    json_addresses = [
        a
        for obj in corpus.json_reports.values()
        for p in obj["reportedPeople"]["reportedPersons"]
        for a in p["addresses"]["addresses"]
    ]
    xml_addresses = [a for r in roots for a in r.iter("address") if a.get("type") == "Home"]
    assert json_addresses or xml_addresses
    assert len(json_addresses) + len(xml_addresses) < corpus.summary.reports / 2

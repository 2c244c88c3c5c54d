"""The weights file: packaged defaults, a state's overlay, and clear errors naming file and key."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from suraksha.config import Settings
from suraksha.errors import ConfigurationError
from suraksha.intake.tips import TipFacts
from suraksha.intel.priority import SubjectEvidence, assess
from suraksha.intel.weights import CLOCKS, FACTORS, default_weights, load_weights
from tests.intel.reports import ENTICEMENT

STATE = """\
name = "kerala-cpu"
version = "2027.1"

[factors]
contact_offence = 40
group_membership = 12.5

[clocks.device_wipe]
days = 14
urgent_days = 3
"""


def enticement() -> TipFacts:
    return TipFacts(
        tip_id="tip-1",
        report_id="1",
        incident_type=ENTICEMENT,
        incident_at=None,
        received_at=datetime(2026, 9, 1, tzinfo=UTC),
        reporting_platform="ChatKaro",
        annotations=(),
        escalated=False,
        roles=frozenset({"reported"}),
        account_ids=("account-1",),
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "weights.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_packaged_weights_cover_every_factor_and_clock() -> None:
    weights = load_weights(None)
    assert weights is default_weights()
    assert set(weights.factors) == set(FACTORS) and set(weights.clocks) == set(CLOCKS)
    assert (weights.label, weights.origin) == ("suraksha-default 2026.11", "packaged")
    assert weights.clocks["platform_preservation"].days == 365
    assert weights.clocks["operator_ip_logs"].days == 730
    assert weights.clocks["cert_in_logs"].days == 180
    assert len(weights.digest) == 64


def test_a_states_file_overlays_the_packaged_weights_key_by_key(tmp_path: Path) -> None:
    path = write(tmp_path, STATE)
    weights = load_weights(path)
    assert (weights.label, weights.origin) == ("kerala-cpu 2027.1", str(path))
    assert weights.factors["contact_offence"] == 40.0
    assert weights.factors["sextortion"] == default_weights().factors["sextortion"]
    wipe = weights.clocks["device_wipe"]
    assert (wipe.days, wipe.urgent_days, wipe.urgent_points) == (14, 3, 12.0)
    assert weights.digest != default_weights().digest
    result = assess(
        SubjectEvidence([enticement()]), as_of=datetime(2026, 11, 1, tzinfo=UTC), weights=weights
    )
    assert {f.factor: f.weight for f in result.factors}["contact_offence"] == 40.0
    assert (result.weights_label, result.weights_digest) == (weights.label, weights.digest)


def test_the_digest_covers_values_not_names_or_layout(tmp_path: Path) -> None:
    same = write(tmp_path, 'name = "other"\nversion = "9"\n# a comment\n[factors]\nvolume = 3\n')
    assert load_weights(same).digest == default_weights().digest


def test_the_setting_names_the_states_file() -> None:
    settings = Settings.from_env(
        {"SURAKSHA_HOME": "/srv/s", "SURAKSHA_PRIORITY_WEIGHTS": "/etc/w.toml"}
    )
    assert settings.priority_weights == Path("/etc/w.toml")
    assert Settings.from_env({"SURAKSHA_HOME": "/srv/s"}).priority_weights is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'name = "k"\nversion = "1"\n[factors]\ncontact_ofence = 40\n',
            r"unknown key `factors\.contact_ofence`.*contact_offence",
        ),
        (
            'name = "k"\nversion = "1"\n[factors]\nsextortion = "high"\n',
            r"`factors\.sextortion` must be a number, not 'high'",
        ),
        (
            'name = "k"\nversion = "1"\n[factors]\nsextortion = true\n',
            r"`factors\.sextortion` must be a number",
        ),
        (
            'name = "k"\nversion = "1"\n[factors]\nsextortion = nan\n',
            r"`factors\.sextortion` must be a number",
        ),
        (
            'name = "k"\nversion = "1"\n[clocks.device_wipe]\ndays = 2.5\n',
            r"`clocks\.device_wipe\.days` must be a whole number",
        ),
        ('name = "k"\nversion = "1"\n[clocks.phone]\ndays = 2\n', r"unknown key `clocks\.phone`"),
        (
            'name = "k"\nversion = "1"\n[severity.industry]\nA3 = 2\n',
            r"unknown key `severity\.industry\.A3`",
        ),
        ('name = "k"\nversion = "1"\nfactors = 3\n', r"`factors` must be a table"),
        (
            'name = "k"\nversion = "1"\n[factors]\nviral_material_only = 5\n',
            r"`factors\.viral_material_only` = 5 has the wrong sign",
        ),
        (
            'name = "k"\nversion = "1"\n[factors]\nsextortion = -1\n',
            r"`factors\.sextortion` = -1 has the wrong sign",
        ),
        (
            'name = "k"\nversion = "1"\n[clocks.device_wipe]\nurgent_days = 28\n',
            r"`clocks\.device_wipe` needs days",
        ),
        (
            'name = "k"\nversion = "1"\n[clocks.cert_in_logs]\nopen_points = 50\n',
            r"`clocks\.cert_in_logs` needs 0 ≤ open_points ≤ urgent_points",
        ),
        (
            'name = "k"\nversion = "1"\n[access_to_children]\nterms = ["tutor", 3]\n',
            r"`access_to_children\.terms` must be a list of words",
        ),
        ('version = "1"\n[factors]\nvolume = 3\n', r"`name` is missing"),
        ('name = "k"\n[factors]\nvolume = 3\n', r"`version` is missing"),
        ('name = "k"\nversion = "1"\n[factors\nvolume = 3\n', r"is not valid TOML"),
    ],
)
def test_a_bad_file_is_an_error_naming_the_file_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigurationError, match=message) as raised:
        load_weights(path)
    assert str(path) in str(raised.value)


def test_a_missing_file_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"Cannot read.*SURAKSHA_PRIORITY_WEIGHTS"):
        load_weights(tmp_path / "absent.toml")

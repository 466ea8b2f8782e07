"""Anchors outside the database: the informed attacks of issue 20 fail after an anchor."""

import hashlib
import json
import os
import stat
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maatpact.audit.anchors import (
    AnchorRefused,
    load_anchors,
    merkle_root,
    period_of,
    write_anchor,
)
from maatpact.audit.models import AuditChain, AuditEvent
from maatpact.audit.selectors import verify_chains
from maatpact.audit.services import record
from tests.audit import attacks

pytestmark = pytest.mark.django_db

KEY = "anchor-test-audit-key-0123456789abcdefgh"
HOUR = timedelta(hours=1)


@pytest.fixture
def anchor_dir(settings, tmp_path):
    directory = tmp_path / "anchors"
    settings.MAATPACT_AUDIT = {
        "KEYS": f"1:{KEY}",
        "KEY_FILE": "",
        "KEY_ID": None,
        "ANCHOR_DIR": str(directory),
        "ANCHOR_MINUTES": 60,
    }
    return directory


def _views(user, household_id: int, times: int = 1) -> None:
    for _ in range(times):
        record(user, "view", ("households.household", household_id), household_id=household_id)


@pytest.fixture
def trail(anchor_dir, coordinator):
    """Two household chains of three records each, anchored."""
    _views(coordinator, 920001, 3)
    _views(coordinator, 920002, 3)
    result = write_anchor()
    assert result.written and result.chains == 2
    return result


def _problems() -> list[str]:
    result = verify_chains()
    assert not result.ok, "the attack went unnoticed"
    with pytest.raises(CommandError):
        call_command("audit-verify")
    return result.problems


# --- The four informed attacks from issue 20 --------------------------------------------


def test_attack_delete_newest_and_rewind_head_fails_after_an_anchor(trail):
    attacks.delete_newest_and_rewind_head("hh:920001")
    problems = _problems()
    assert any("hh:920001: eindigt bij regel 2, het anker heeft regel 3" in p for p in problems)


def test_attack_rewrite_and_recompute_fails_even_with_a_stolen_key(trail):
    attacks.rewrite_and_recompute("hh:920001", 2, key=KEY.encode(), actor_role="beheerder")
    assert "keten hh:920001: regel 3 wijkt af van het anker" in _problems()


def test_attack_rewrite_and_recompute_without_the_key_fails(trail):
    attacks.rewrite_and_recompute("hh:920001", 2, actor_role="beheerder")
    problems = _problems()
    assert "keten hh:920001: regel 2 is gewijzigd" in problems


def test_attack_drop_a_whole_household_chain_with_its_head_fails_after_an_anchor(trail):
    attacks.drop_chain("hh:920002")
    assert any("hh:920002: ontbreekt met kop en al" in p for p in _problems())


def test_attack_append_a_forged_record_fails(trail):
    attacks.append_forged("hh:920001", key_id=1, actor_role="programmateam")
    assert "keten hh:920001: regel 4 is gewijzigd" in _problems()


def test_attack_append_a_forged_record_in_the_legacy_recipe_fails(trail):
    """Downgrade: the forger writes key id 0 and the old keyless recipe after the seal."""
    attacks.append_forged("hh:920001", key_id=0)
    problems = _problems()
    assert any("regel 4 heeft het oude recept zonder sleutel" in p for p in problems)


def test_without_an_anchor_a_cut_chain_cannot_be_told_from_a_short_one(anchor_dir, coordinator):
    """Why anchors exist: the key alone does not reveal deletions at the end."""
    _views(coordinator, 920001, 3)
    attacks.delete_newest_and_rewind_head("hh:920001")
    attacks.drop_chain("hh:920001")
    assert verify_chains().ok


def test_between_anchors_new_records_can_still_be_cut(trail, coordinator):
    """The documented gap: records after the latest anchor are protected by the key only."""
    _views(coordinator, 920001, 2)
    attacks.delete_newest_and_rewind_head("hh:920001")
    result = verify_chains()
    assert result.ok and result.anchors == 1


# --- Writing anchors ---------------------------------------------------------------------


def test_anchors_are_idempotent_per_period_and_never_overwritten(trail, anchor_dir, coordinator):
    first = trail.path
    content = first.read_bytes()
    _views(coordinator, 920001)
    again = write_anchor()
    assert not again.written and again.path == first
    assert first.read_bytes() == content
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o400
    assert [p.name for p in anchor_dir.iterdir()] == [first.name]  # no temp file left


def test_the_next_period_links_to_the_previous_anchor_and_holds_only_what_moved(trail, coordinator):
    _views(coordinator, 920001)
    _views(coordinator, 920003)
    second = write_anchor(timezone.now() + HOUR)
    assert second.written and second.chains == 3 and second.changed == 2
    body = json.loads(second.path.read_bytes())
    assert body["previous"] == hashlib.sha256(trail.path.read_bytes()).hexdigest()
    assert [c[0] for c in body["changed"]] == ["hh:920001", "hh:920003"]
    result = verify_chains()
    assert result.ok and result.anchors == 2, result.problems


def test_the_anchor_command_is_idempotent(anchor_dir, coordinator, capsys):
    _views(coordinator, 920001)
    call_command("audit-anchor")
    assert "geschreven" in capsys.readouterr().out
    call_command("audit-anchor")
    assert "bestond al" in capsys.readouterr().out
    assert len(list(anchor_dir.iterdir())) == 1


def test_anchoring_refuses_a_trail_that_no_longer_matches(trail):
    attacks.delete_newest_and_rewind_head("hh:920001")
    with pytest.raises(AnchorRefused) as refused:
        write_anchor(timezone.now() + HOUR)
    assert any("hh:920001: eindigt bij regel 2" in p for p in refused.value.problems)
    with (
        mock.patch("django.utils.timezone.now", return_value=timezone.now() + HOUR),
        pytest.raises(CommandError, match="Geen anker geschreven"),
    ):
        call_command("audit-anchor")
    assert len(load_anchors().files) == 1


def test_anchoring_checks_new_records_before_signing_them(trail, coordinator):
    _views(coordinator, 920001, 2)
    attacks.rewrite_and_recompute("hh:920001", 4, actor_role="beheerder")  # keyless
    with pytest.raises(AnchorRefused) as refused:
        write_anchor(timezone.now() + HOUR)
    assert "keten hh:920001: regel 4 is gewijzigd" in refused.value.problems


def test_a_changed_anchor_file_is_detected(trail):
    path = trail.path
    path.chmod(0o600)
    body = json.loads(path.read_bytes())
    body["changed"][0][1] = 2  # pretend chain 920001 was anchored at record 2
    path.write_bytes(json.dumps(body).encode())
    assert any("handtekening klopt niet" in p for p in _problems())


def test_a_removed_anchor_in_the_middle_is_detected(trail, coordinator):
    _views(coordinator, 920001)
    second = write_anchor(timezone.now() + HOUR)
    _views(coordinator, 920001)
    write_anchor(timezone.now() + 2 * HOUR)
    second.path.unlink()
    assert any("sluit niet aan op het vorige anker" in p for p in _problems())


def test_an_anchor_signed_with_an_unknown_key_is_reported(trail, settings):
    settings.MAATPACT_AUDIT = {**settings.MAATPACT_AUDIT, "KEYS": "2:" + "z" * 40}
    problems = load_anchors().problems
    assert any("onbekende sleutel 1" in p for p in problems)


def test_a_stale_anchor_is_a_warning(trail):
    log = load_anchors()
    from maatpact.audit.anchors import staleness_warning

    assert staleness_warning(log) == ""
    assert "twee perioden" in staleness_warning(log, timezone.now() + 4 * HOUR)


def test_periods_follow_the_interval(settings, anchor_dir):
    from datetime import UTC, datetime

    moment = datetime(2026, 12, 7, 13, 59, tzinfo=UTC)
    assert period_of(moment) == "20261207T1300Z"
    settings.MAATPACT_AUDIT = {**settings.MAATPACT_AUDIT, "ANCHOR_MINUTES": 15}
    assert period_of(moment) == "20261207T1345Z"


def _rfc6962(leaves: list[bytes]) -> bytes:
    """The RFC's recursive definition, written independently of the module's loop."""
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _rfc6962(leaves[:k]) + _rfc6962(leaves[k:])).digest()


# A busy CI machine makes input generation look slow; the property itself is cheap.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=8), min_size=1, max_size=40))
def test_merkle_root_is_the_rfc6962_tree_hash(leaves):
    assert merkle_root(leaves) == _rfc6962(leaves).hex()


# --- Migration path: records from before the keys ---------------------------------------


def test_legacy_records_verify_until_sealed_by_the_first_anchor(anchor_dir, coordinator):
    _views(coordinator, 920001, 3)
    attacks.convert_to_legacy("hh:920001")  # the trail as it was before this release
    result = verify_chains()
    assert result.ok and result.legacy == 3
    assert any("nog niet verzegeld" in w for w in result.warnings)
    write_anchor()  # the seal
    _views(coordinator, 920001)  # new records are keyed, continuing the legacy chain
    result = verify_chains()
    assert result.ok, result.problems
    assert not any("verzegeld" in w for w in result.warnings)
    assert AuditEvent.objects.get(chain="hh:920001", seq=4).key_id == 1


def test_a_sealed_legacy_record_rewritten_in_the_legacy_recipe_is_detected(anchor_dir, coordinator):
    _views(coordinator, 920001, 3)
    attacks.convert_to_legacy("hh:920001")
    write_anchor()
    attacks.rewrite_and_recompute("hh:920001", 1, actor_role="beheerder")  # legacy recipe
    assert "keten hh:920001: regel 3 wijkt af van het anker" in _problems()


def test_a_new_chain_after_the_seal_cannot_be_legacy(trail, coordinator):
    _views(coordinator, 920009, 2)
    attacks.convert_to_legacy("hh:920009")
    problems = _problems()
    assert any("hh:920009: regel 1 heeft het oude recept" in p for p in problems)
    assert AuditChain.objects.filter(key="hh:920009").exists()

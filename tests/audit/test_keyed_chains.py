"""Keyed chains: every record's hash is an HMAC under a key the database does not hold."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from maatpact.audit.keys import keyring, load_keyring, parse_keys
from maatpact.audit.models import AuditEvent
from maatpact.audit.selectors import verify_chains
from maatpact.audit.services import record
from tests.audit import attacks

pytestmark = pytest.mark.django_db

KEY_1 = "first-audit-key-for-tests-only-0123456789"
KEY_2 = "second-audit-key-for-tests-only-987654321"


def _audit(settings, keys: str, key_id=None, **extra):
    settings.MAATPACT_AUDIT = {
        "KEYS": keys,
        "KEY_FILE": "",
        "KEY_ID": key_id,
        "ANCHOR_DIR": "",
        "ANCHOR_MINUTES": 60,
        **extra,
    }


def _view(user, household_id: int) -> AuditEvent:
    return record(user, "view", ("households.household", household_id), household_id=household_id)


def test_a_record_hash_is_an_hmac_under_the_current_key(settings, coordinator):
    _audit(settings, f"1:{KEY_1}")
    event = AuditEvent.objects.get(pk=_view(coordinator, 910001).pk)
    assert event.key_id == 1
    assert event.hash == attacks.keyed_hash(event, KEY_1.encode())
    assert event.hash != attacks.legacy_hash(event)  # the published recipe alone is not enough


def test_recomputing_a_changed_record_without_the_key_is_detected(settings, coordinator):
    _audit(settings, f"1:{KEY_1}")
    for _ in range(3):
        _view(coordinator, 910001)
    attacks.rewrite_and_recompute("hh:910001", 2, actor_role="beheerder")
    result = verify_chains()
    assert not result.ok
    assert "keten hh:910001: regel 2 is gewijzigd" in result.problems


def test_a_forged_record_without_the_key_is_detected(settings, coordinator):
    _audit(settings, f"1:{KEY_1}")
    _view(coordinator, 910001)
    attacks.append_forged("hh:910001", key_id=1, key=b"guessed-" + b"x" * 40)
    assert "keten hh:910001: regel 2 is gewijzigd" in verify_chains().problems


def test_rotation_keeps_old_records_verifiable(settings, coordinator):
    _audit(settings, f"1:{KEY_1}")
    _view(coordinator, 910001)
    _audit(settings, f"1:{KEY_1},2:{KEY_2}")  # rotated: new key 2, old key kept
    assert keyring().current_id == 2
    _view(coordinator, 910001)
    _view(coordinator, 910002)
    assert list(AuditEvent.objects.order_by("chain", "seq").values_list("key_id", flat=True)) == [
        1,
        2,
        2,
    ]
    result = verify_chains()
    assert result.ok, result.problems
    call_command("audit-verify")
    # Retiring key 1 from the ring makes its records unverifiable: keep old keys.
    _audit(settings, f"2:{KEY_2}")
    assert "keten hh:910001: regel 1 noemt onbekende sleutel 1" in verify_chains().problems


def test_an_explicit_key_id_chooses_the_key_for_new_records(settings, coordinator):
    _audit(settings, f"1:{KEY_1},2:{KEY_2}", key_id=1)
    assert _view(coordinator, 910001).key_id == 1


def test_keys_from_a_file_and_the_environment_together(settings, coordinator, tmp_path):
    key_file = tmp_path / "audit-keys"
    key_file.write_text(f"# audit keys\n2:{KEY_2}\n")
    key_file.chmod(0o400)
    _audit(settings, f"1:{KEY_1}", KEY_FILE=str(key_file))
    ring = keyring()
    assert ring.keys == {1: KEY_1.encode(), 2: KEY_2.encode()} and ring.current_id == 2
    assert not ring.derived
    assert verify_chains().ok


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1:short", "korter dan 32"),
        ("one:" + "x" * 40, "id:geheim"),
        ("0:" + "x" * 40, "1 tot 32767"),
        (f"1:{KEY_1}\n1:{KEY_2}", "twee keer"),
    ],
)
def test_bad_key_configuration_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse_keys(text, "MAATPACT_AUDIT_KEYS")


def test_unknown_current_key_id_is_refused():
    with pytest.raises(ImproperlyConfigured, match="KEY_ID 3"):
        load_keyring({"KEYS": f"1:{KEY_1}", "KEY_ID": 3})


def test_without_a_configured_key_a_derived_key_is_used_and_reported(settings, coordinator):
    _audit(settings, "")
    ring = keyring()
    assert ring.derived and ring.current_id == 1
    _view(coordinator, 910001)
    result = verify_chains()
    assert result.ok
    assert any("afgeleid van SECRET_KEY" in w for w in result.warnings)
    from maatpact.audit.checks import audit_keys

    assert [c.id for c in audit_keys(None)] == ["maatpact.audit.W001"]


def test_a_key_file_readable_by_others_is_reported(settings, tmp_path):
    key_file = tmp_path / "audit-keys"
    key_file.write_text(f"1:{KEY_1}\n")
    key_file.chmod(0o644)
    _audit(settings, "", KEY_FILE=str(key_file))
    from maatpact.audit.checks import audit_keys

    assert [c.id for c in audit_keys(None)] == ["maatpact.audit.W002"]


def test_audit_key_command_prints_public_keys_and_a_new_key_line(settings, capsys):
    _audit(settings, f"1:{KEY_1}")
    call_command("audit-key")
    out = capsys.readouterr().out
    assert "sleutel 1 (huidig)" in out and KEY_1 not in out
    call_command("audit-key", "--nieuw")
    line = capsys.readouterr().out.strip()
    key_id, secret = line.split(":", 1)
    assert key_id == "2" and len(secret) >= 32
    assert parse_keys(line, "test") == {2: secret.encode()}

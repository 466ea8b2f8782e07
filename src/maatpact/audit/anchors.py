"""Anchors: the heads of all audit chains, signed, in files outside the database.

The HMAC keys stop an insider from *recomputing* a chain, but not from cutting it short:
deleting the newest records and rewinding the head, or dropping a household's chain
with its head, leaves nothing to recompute. So every ``MAATPACT_AUDIT["ANCHOR_MINUTES"]``
(``maatpact audit-anchor``, scheduled) the current head of every chain is written to a
file of its own in an append-only directory: the heads that moved since the previous
anchor, a Merkle root over all heads, the hash of the previous anchor file, and an
Ed25519 signature. ``audit-verify`` folds the anchors into the anchored head of every
chain and checks the database against it: a chain that ends before its anchored record,
an anchored record with another hash, a chain missing altogether, or records in the
legacy (unkeyed) recipe beyond the first anchor (the *seal*) are all reported.

File handling: one file per period (``anchor-20261207T1300Z.json``), written to a
temporary file (0600), linked to its final name only if that name does not exist yet
(so a period is never overwritten and two runs cannot both write it), then made
read-only (0400). Running the command twice in a period is a no-op.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.utils import timezone

from .keys import UnknownKey, keyring

VERSION = 1
_NAME = re.compile(r"^anchor-(\d{8}T\d{4}Z)\.json$")


class AnchorRefused(Exception):
    """The database no longer matches the anchors: anchoring now would hide that."""

    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} afwijking(en) ten opzichte van de ankers")
        self.problems = problems


@dataclass
class AnchorLog:
    """The anchors in a directory, checked and folded into one anchored head per chain."""

    directory: Path | None
    files: list[Path] = field(default_factory=list)
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)  # chain -> (seq, hash)
    sealed: dict[str, int] | None = None  # first anchor: legacy records allowed up to seq
    problems: list[str] = field(default_factory=list)
    last_period: str = ""
    last_digest: str = ""

    @property
    def anchored(self) -> bool:
        return bool(self.files)


@dataclass(frozen=True)
class AnchorResult:
    written: bool
    path: Path
    period: str
    chains: int
    changed: int


def anchor_dir() -> Path | None:
    value = settings.MAATPACT_AUDIT.get("ANCHOR_DIR") or ""
    return Path(value) if value else None


def interval() -> timedelta:
    return timedelta(minutes=int(settings.MAATPACT_AUDIT.get("ANCHOR_MINUTES", 60)))


def period_of(moment: datetime) -> str:
    """The period a moment falls in: its start in UTC, floored to the anchor interval."""
    step = int(interval().total_seconds())
    seconds = int(moment.timestamp()) // step * step
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y%m%dT%H%MZ")


def period_start(period: str) -> datetime:
    return datetime.strptime(period, "%Y%m%dT%H%MZ").replace(tzinfo=UTC)


def leaf(chain: str, seq: int, hash_: str) -> bytes:
    return f"{chain}\x1f{seq}\x1f{hash_}".encode()


def merkle_root(leaves: list[bytes]) -> str:
    """RFC 6962 Merkle tree hash (leaves 0x00-prefixed, nodes 0x01-prefixed).

    Built bottom-up: pairs from the left, an odd last node moves up unchanged, which
    gives the same left-full tree as the RFC's recursive split.
    """
    if not leaves:
        return hashlib.sha256(b"").hexdigest()
    level = [hashlib.sha256(b"\x00" + item).digest() for item in leaves]
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0].hex()


def heads_root(heads: dict[str, tuple[int, str]]) -> str:
    return merkle_root([leaf(key, *heads[key]) for key in sorted(heads)])


def _canonical(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _sign(body: dict) -> str:
    ring = keyring()
    signature = ring.signing_key(body["key_id"]).sign(_canonical(body))
    return base64.b64encode(signature).decode()


def _check_signature(body: dict, signature: str) -> bool:
    try:
        keyring().public_key(int(body["key_id"])).verify(
            base64.b64decode(signature), _canonical(body)
        )
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def load_anchors(directory: Path | None = None) -> AnchorLog:
    """Read, check and fold every anchor file, oldest first."""
    directory = directory if directory is not None else anchor_dir()
    log = AnchorLog(directory=directory)
    if directory is None or not directory.is_dir():
        return log
    log.files = sorted(p for p in directory.iterdir() if _NAME.match(p.name))
    for path in log.files:
        _fold(log, path)
    return log


def _fold(log: AnchorLog, path: Path) -> None:
    period = _NAME.match(path.name).group(1)
    where = f"anker {period}"
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    try:
        body = json.loads(raw)
        signature = body.pop("signature")
        changed = [(str(c), int(s), str(h)) for c, s, h in body["changed"]]
        key_id = int(body["key_id"])
    except (ValueError, KeyError, TypeError):
        log.problems.append(f"{where}: onleesbaar")
        log.last_digest, log.last_period = digest, period
        return
    try:
        if not _check_signature(body, signature):
            log.problems.append(f"{where}: handtekening klopt niet")
    except UnknownKey:
        log.problems.append(f"{where}: ondertekend met onbekende sleutel {key_id}")
    if body.get("period") != period:
        log.problems.append(f"{where}: periode in het bestand wijkt af van de naam")
    if body.get("previous", "") != log.last_digest:
        log.problems.append(f"{where}: sluit niet aan op het vorige anker (ontbreekt er een?)")
    for chain, seq, hash_ in changed:
        before = log.heads.get(chain)
        if before is not None and seq < before[0]:
            log.problems.append(f"{where}: keten {chain} gaat terug van {before[0]} naar {seq}")
        log.heads[chain] = (seq, hash_)
    if heads_root(log.heads) != body.get("root") or len(log.heads) != body.get("chains"):
        log.problems.append(f"{where}: Merkle-wortel past niet bij de ankers tot nu toe")
    if log.sealed is None:
        log.sealed = {chain: seq for chain, (seq, _) in log.heads.items()}
    log.last_digest, log.last_period = digest, period


def _database_heads() -> dict[str, tuple[int, str]]:
    from .models import AuditChain

    return {
        key: (seq, hash_)
        for key, seq, hash_ in AuditChain.objects.filter(last_seq__gt=0)
        .values_list("key", "last_seq", "last_hash")
        .iterator(chunk_size=5000)
    }


def write_anchor(now: datetime | None = None) -> AnchorResult:
    """Anchor the current chain heads for this period; a no-op if the period has one.

    Before signing, the records added since the previous anchor are verified (and the
    whole trail on the first anchor, which also seals the legacy records): an anchor is
    never written over a trail that no longer matches the previous one
    (:class:`AnchorRefused`).
    """
    from .selectors import snapshot, verify_since

    directory = anchor_dir()
    if directory is None:
        raise RuntimeError("MAATPACT_AUDIT_ANCHOR_DIR is niet ingesteld.")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    period = period_of(now or timezone.now())
    target = directory / f"anchor-{period}.json"
    if target.exists():
        return AnchorResult(False, target, period, 0, 0)
    log = load_anchors(directory)
    if log.last_period and log.last_period > period:
        raise AnchorRefused([f"er is al een later anker ({log.last_period})"])
    with snapshot():
        heads = _database_heads()
        problems = log.problems + verify_since(log, heads)
    if problems:
        raise AnchorRefused(problems)
    changed = sorted(
        [key, seq, hash_]
        for key, (seq, hash_) in heads.items()
        if log.heads.get(key) != (seq, hash_)
    )
    body = {
        "version": VERSION,
        "period": period,
        "created_at": timezone.now().astimezone(UTC).isoformat(),
        "key_id": keyring().current_id,
        "previous": log.last_digest,
        "chains": len(heads),
        "root": heads_root(heads),
        "changed": changed,
    }
    body["signature"] = _sign(body)
    written = _create_once(target, _canonical(body) + b"\n")
    return AnchorResult(written, target, period, len(heads), len(changed))


def _create_once(target: Path, content: bytes) -> bool:
    """Write ``content`` to ``target`` unless it exists: temp file, link, read-only."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, target)  # fails if the period was anchored meanwhile
        except FileExistsError:
            return False
        os.chmod(target, 0o400)
    finally:
        tmp.unlink(missing_ok=True)
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return True


def staleness_warning(log: AnchorLog, now: datetime | None = None) -> str:
    """A warning when the newest anchor is older than two intervals (job not running?)."""
    if not log.anchored:
        return ""
    age = (now or timezone.now()) - period_start(log.last_period)
    if age > 3 * interval():
        return (
            f"het nieuwste anker is van {log.last_period}: twee perioden of meer zonder "
            "anker, draait maatpact audit-anchor nog?"
        )
    return ""

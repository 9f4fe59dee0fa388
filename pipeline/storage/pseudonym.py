"""`case_key`: a keyed hash of (inspection_id, case_ref), stable across runs.

Analysts never see the provider's reference, and without the key nobody can test a guessed
reference against the warehouse. The key comes from CASE_AUDIT_PSEUDONYM_KEY or a key file
created owner-only on first use (outside git). A key file is only ever created for a new
warehouse: a missing key next to existing data fails the run rather than silently starting a
second, incompatible set of keys.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from pipeline.errors import CaseAuditError
from pipeline.lazy import pd
from pipeline.settings import MIN_KEY_LENGTH, SETTINGS, setting

KEY_VARIABLE = SETTINGS["pseudonym_key"].variable


def load_key(key_file: Path, *, may_create: bool) -> bytes:
    """The pseudonymisation key; created (0600, folder 0700) only when `may_create`."""
    from_environment = setting("pseudonym_key")  # checked: at least 16 characters
    if from_environment:
        return from_environment.encode()
    if key_file.exists():
        return _read_key_file(key_file)
    if not may_create:
        raise CaseAuditError(
            f"no pseudonym key: {key_file} is missing and {KEY_VARIABLE} is not set, but a "
            "warehouse already exists. Restore the key (see docs/data-protection.md); a new "
            "key would give every case a new case_key."
        )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(key_file.parent, 0o700)
    key = secrets.token_hex(32)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    return key.encode()


def _read_key_file(key_file: Path) -> bytes:
    try:
        mode = stat.S_IMODE(key_file.stat().st_mode)
        key = key_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseAuditError(
            f"cannot read the pseudonym key file {key_file} ({exc.__class__.__name__}: {exc}); "
            "restore it from your backup (see docs/data-protection.md)."
        ) from None
    if mode & 0o077:
        raise CaseAuditError(
            f"the pseudonym key file {key_file} is readable by other users (mode {mode:04o}); "
            f"run `chmod 600 {key_file}` and check who may have copied it."
        )
    if len(key) < MIN_KEY_LENGTH:
        raise CaseAuditError(
            f"the pseudonym key in {key_file} is empty or shorter than {MIN_KEY_LENGTH} "
            "characters; restore the real key from your backup."
        )
    return key.encode()


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """(inner, outer) padded keys of HMAC-SHA256 (RFC 2104), for computing it in SQL."""
    block = hashlib.sha256(key).digest() if len(key) > 64 else key
    block = block.ljust(64, b"\x00")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def key_id(key: bytes) -> str:
    """A short, non-reversible name for the key, to tell when cached keys are stale."""
    return hmac.new(key, b"case-audit key fingerprint", hashlib.sha256).hexdigest()[:16]


def case_keys(key: bytes, inspection_ids: pd.Series, case_refs: pd.Series) -> pd.Series:
    """HMAC-SHA256 hex of `inspection_id` + U+001F + `case_ref`, one per row (reference
    implementation; the warehouse computes the same in SQL, see sql/stage_rows.sql)."""
    messages = (inspection_ids.astype(str) + "\x1f" + case_refs.astype(str)).str.encode("utf-8")
    digests = [hmac.new(key, m, hashlib.sha256).hexdigest() for m in messages]
    return pd.Series(digests, index=inspection_ids.index, dtype=str)

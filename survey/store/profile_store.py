"""Stored profiles: each area's readiness profiles, kept so that they are computed once per
state of the area's evidence and version of the rules, not once per process or account.

This module keeps opaque payloads; what they hold is made and read by
:mod:`app.profiles`. An area's evidence only ever grows by imports (raw answers are never
changed), so the set of import batches holding it fingerprints it exactly: a new import
into an area changes that area's key and no other's."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import Connection, Engine, delete, or_, select, tuple_
from sqlalchemy.exc import IntegrityError

from survey.store.models import Area, ImportBatch, StoredProfile, Wave


def data_keys(bind: Engine | Connection, areas: Iterable[str] | None = None) -> dict[str, str]:
    """For each area with evidence (of ``areas``; all when ``None``), a fingerprint of its
    evidence: the hash of its waves and the import batches that filled them."""
    stmt = (
        select(Area.code, Wave.label, ImportBatch.id)
        .join(Wave, ImportBatch.wave_id == Wave.id)
        .join(Area, Wave.area_id == Area.id)
        .order_by(Area.code, Wave.label, ImportBatch.id)
    )
    if areas is not None:
        stmt = stmt.where(Area.code.in_(list(areas)))
    parts: dict[str, list[str]] = {}
    if isinstance(bind, Connection):
        rows = bind.execute(stmt).all()
    else:
        with bind.connect() as conn:
            rows = conn.execute(stmt).all()
    for area, wave, batch in rows:
        parts.setdefault(area, []).append(f"{wave}\x1f{batch}")
    return {a: hashlib.sha256("\x1e".join(p).encode()).hexdigest() for a, p in parts.items()}


def load(engine: Engine, keys: dict[str, str], rules_key: str) -> dict[str, bytes]:
    """The stored payloads of the areas in ``keys`` (area -> data key) at ``rules_key``;
    areas without one are left out."""
    if not keys:
        return {}
    wanted = [(area, key) for area, key in keys.items()]
    out: dict[str, bytes] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), 400):  # stay under any bound-parameter limit
            stmt = select(StoredProfile.area_code, StoredProfile.payload).where(
                StoredProfile.rules_key == rules_key,
                tuple_(StoredProfile.area_code, StoredProfile.data_key).in_(
                    wanted[start : start + 400]
                ),
            )
            out.update(conn.execute(stmt).all())
    return out


def held(engine: Engine, keys: dict[str, str], rules_key: str) -> set[str]:
    """The areas of ``keys`` (area -> data key) with a payload stored at ``rules_key``
    (without reading the payloads)."""
    wanted = list(keys.items())
    out: set[str] = set()
    with engine.connect() as conn:
        for start in range(0, len(wanted), 400):
            stmt = select(StoredProfile.area_code).where(
                StoredProfile.rules_key == rules_key,
                tuple_(StoredProfile.area_code, StoredProfile.data_key).in_(
                    wanted[start : start + 400]
                ),
            )
            out.update(conn.execute(stmt).scalars())
    return out


def save(engine: Engine, payloads: dict[str, tuple[str, bytes]], rules_key: str) -> None:
    """Store each area's payload (area -> (data key, payload)) at ``rules_key``, in place of
    the one it had at that key and of any kept for an older state of its evidence."""
    if not payloads:
        return
    try:
        with engine.begin() as conn:
            for area, (key, _) in payloads.items():  # this one, and any of older evidence
                conn.execute(
                    delete(StoredProfile).where(
                        StoredProfile.area_code == area,
                        or_(StoredProfile.rules_key == rules_key, StoredProfile.data_key != key),
                    )
                )
            conn.execute(
                StoredProfile.__table__.insert(),
                [
                    {"area_code": a, "data_key": k, "rules_key": rules_key, "payload": p}
                    for a, (k, p) in payloads.items()
                ],
            )
    except IntegrityError:
        pass  # another process stored the same profiles at the same moment: theirs stand


def clear(conn: Connection) -> None:
    """Forget every stored profile (inside the caller's transaction)."""
    conn.execute(delete(StoredProfile))

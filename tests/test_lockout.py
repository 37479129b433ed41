"""Parallel wrong guesses cannot get past the lockout: the count is claimed atomically in
the database before a password is checked, so exactly the allowed number are checked."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher

import survey.store.accounts
from survey.store import audit
from survey.store.accounts import MAX_FAILURES, LoginError, add_user, authenticate

PASSWORD = "correct horse battery"
GUESSES = 40


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    """Cheap Argon2 parameters: the test is about counting, not about the hash's cost."""
    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(survey.store.accounts, "_HASHER", quick)
    monkeypatch.setattr(survey.store.accounts, "_DUMMY_HASH", quick.hash("no account has it"))


def guess(engine, password: str) -> str:
    try:
        authenticate(engine, "ash", password)
    except LoginError:
        return "refused"
    return "in"


def test_forty_parallel_wrong_guesses_lock_after_exactly_the_allowed_number(engine):
    add_user(engine, "ash", "manager", password=PASSWORD)
    with ThreadPoolExecutor(max_workers=GUESSES) as pool:
        outcomes = list(pool.map(lambda i: guess(engine, f"wrong guess {i:02d}"), range(GUESSES)))
    assert outcomes == ["refused"] * GUESSES  # every one a clean refusal, no traceback
    whys = [json.loads(d)["why"] for d in audit.entries(engine, action="login_failed").detail]
    assert len(whys) == GUESSES
    checked = [w for w in whys if w.startswith("wrong password")]
    assert len(checked) == MAX_FAILURES
    assert whys.count("wrong password; account locked") == 1
    assert whys.count("locked") == GUESSES - MAX_FAILURES
    with pytest.raises(LoginError):  # locked: the right password is refused too
        authenticate(engine, "ash", PASSWORD)

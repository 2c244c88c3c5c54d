"""Signed-in clients of one application for each test account of `corpus.ROLES`."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from fastapi import FastAPI

from suraksha.config import Settings
from tests.web.conftest import BASE_URL, code_for, make_user, sign_in
from tests.web.corpus import ROLES, Places, load_corpus, place_of

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient


@contextmanager
def people(
    app: FastAPI, settings: Settings, root: Path, names: tuple[str, ...] = tuple(ROLES)
) -> Iterator[tuple[Places, dict[str, TestClient]]]:
    """Load the corpus, create the accounts `names` and sign each into its own client."""
    places = load_corpus(settings, root)
    clients: dict[str, TestClient] = {}
    with ExitStack() as stack:
        for name in names:
            role, second_factor = ROLES[name]
            state, district = place_of(name, places)
            secret = make_user(settings, name, role, state, district, totp=second_factor)
            client = stack.enter_context(TestClient(app, base_url=BASE_URL, follow_redirects=False))
            answer = sign_in(client, name, code=code_for(secret) if secret else None)
            assert answer.status_code == 303, answer.text
            clients[name] = client
        yield places, clients

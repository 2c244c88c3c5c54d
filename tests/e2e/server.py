"""Running `suraksha serve` in a subprocess on a free loopback port (tests and screenshots)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from suraksha.config import Settings

START_TIMEOUT_S = 30.0


class ServerFailed(RuntimeError):
    """The server exited or did not answer in time; the message holds its log."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(settings: Settings) -> dict[str, str]:
    """The environment that makes `suraksha` use `settings` (cookies over loopback HTTP)."""
    env = dict(os.environ)
    env.update(
        SURAKSHA_HOME=str(settings.home),
        SURAKSHA_DATABASE_URL=settings.database_url,
        SURAKSHA_COOKIE_SECURE="false",
    )
    return env


@contextmanager
def running_server(
    settings: Settings | Mapping[str, str], log: Path, *, workers: int = 1
) -> Iterator[str]:
    """`python -m suraksha serve` on the workspace of `settings` (or with the environment given,
    which names one), with `workers` processes; yields its base URL."""
    port = free_port()
    env = environment(settings) if isinstance(settings, Settings) else dict(settings)
    command = [sys.executable, "-m", "suraksha", "serve", "--host", "127.0.0.1"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise ServerFailed(f"suraksha serve exited: {log.read_text(errors='replace')}")
            try:
                if httpx.get(base + "/signin", timeout=1.0).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ServerFailed(
                    f"suraksha serve did not start: {log.read_text(errors='replace')}"
                )
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

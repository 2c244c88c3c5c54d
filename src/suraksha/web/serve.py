"""Running the web application under uvicorn, refusing a binding that would leak sessions.

A session cookie sent over plain HTTP can be read by anyone on the path, so:
- on the loopback address (the default, 127.0.0.1) plain HTTP is allowed, and a browser on the
  same machine needs `SURAKSHA_COOKIE_SECURE=false` to keep the cookie over http://;
- on any other address the cookie must be Secure (the default) and HTTPS terminated by a reverse
  proxy in front (nginx, Caddy); a non-loopback binding with `SURAKSHA_COOKIE_SECURE=false` is
  refused. Behind the proxy, `--proxy` trusts its X-Forwarded-For/-Proto so that sign-in
  throttling sees the real client address.

Every request is Python on one core, so one process answers one request at a time on CPU;
`workers` starts that many processes on the same port (uvicorn's supervisor), each building the
application from the environment (`app_from_environment`), as the command line reads its
settings. Nothing a request needs lives in one process: sessions, CSRF tokens, lockouts and the
audit chain are in the database; only the per-address sign-in throttle counts per process
(web/throttle.py).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any, Final

from suraksha.config import Settings
from suraksha.errors import UserInputError

if TYPE_CHECKING:
    from fastapi import FastAPI

# The application and uvicorn are imported where they run, not here: every `suraksha` command
# imports this module (for `serve`'s options), and FastAPI with its models costs half a second.

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8000


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_binding(settings: Settings, host: str) -> None:
    """UserInputError for a non-loopback address with cookies allowed over plain HTTP."""
    if not is_loopback(host) and not settings.cookie_secure:
        raise UserInputError(
            f"Refusing to serve on {host} with SURAKSHA_COOKIE_SECURE=false: sign-in cookies "
            "would cross the network in clear. Serve on 127.0.0.1 behind an HTTPS reverse proxy "
            "(and keep SURAKSHA_COOKIE_SECURE=true), or use 127.0.0.1 for a browser on this "
            "machine (see docs/web.md)."
        )


def app_from_environment() -> FastAPI:
    """The application on the workspace the environment names (each worker process's)."""
    from suraksha.web.app import create_app

    return create_app(Settings.from_env())


def serve(
    settings: Settings,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    proxy: str | None = None,
    workers: int = 1,
) -> None:
    """Run the application until interrupted; `proxy` is the reverse proxy's address to trust.

    With `workers` above 1 each worker process reads its settings from the environment
    (`Settings.from_env`), which must therefore name the same workspace as `settings`.
    """
    import uvicorn

    from suraksha.web.app import create_app

    check_binding(settings, host)
    if workers < 1:
        raise UserInputError(f"--workers must be 1 or more, not {workers}.")
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "proxy_headers": proxy is not None,
        "forwarded_allow_ips": proxy,
        "server_header": False,
        "date_header": True,
    }
    if workers == 1:
        uvicorn.run(create_app(settings), **options)
    else:
        if Settings.from_env() != settings:
            raise UserInputError(
                "Several workers read their settings from the environment, and it names another "
                "workspace: set SURAKSHA_HOME and SURAKSHA_DATABASE_URL, or serve one worker."
            )
        uvicorn.run(f"{__name__}:app_from_environment", factory=True, workers=workers, **options)

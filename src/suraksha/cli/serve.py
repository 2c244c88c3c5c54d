"""`suraksha serve`: the web application and its JSON API, under uvicorn."""

from __future__ import annotations

import typer

from suraksha.cli.console import console, settings
from suraksha.web.serve import DEFAULT_HOST, DEFAULT_PORT, check_binding, is_loopback, serve


def register(app: typer.Typer) -> None:
    """Add the serve command to the application."""
    app.command("serve")(serve_command)


def serve_command(
    host: str = typer.Option(DEFAULT_HOST, "--host", help="Address to listen on."),
    port: int = typer.Option(DEFAULT_PORT, "--port", min=1, max=65535, help="Port to listen on."),
    proxy: str | None = typer.Option(
        None,
        "--proxy",
        help="Address of the HTTPS reverse proxy in front, whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are trusted (for example 127.0.0.1).",
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Worker processes answering on the port: one request at a time each uses a core, "
        "so give an office server about as many as it has cores.",
    ),
) -> None:
    """Run the web application (sign-in, dashboard, subjects, tips, administration, audit log)
    and its JSON API on the workspace database, until Ctrl-C. Create the first admin with
    `suraksha users add NAME --role admin` beforehand. Cookies are Secure (HTTPS only) unless
    `SURAKSHA_COOKIE_SECURE=false`, which is allowed on a loopback address only; to serve a
    unit's network, run on 127.0.0.1 behind an HTTPS reverse proxy with `--proxy 127.0.0.1`
    (docs/web.md).

    Example: `SURAKSHA_COOKIE_SECURE=false suraksha serve --port 8000 --workers 2`, then open
    http://127.0.0.1:8000/
    """
    current = settings()
    check_binding(current, host)
    shown = f"[{host}]" if ":" in host else host
    scheme = "http" if is_loopback(host) else "https (through your proxy)"
    console.print(f"Suraksha on {scheme}://{shown}:{port}/ — Ctrl-C to stop.")
    if current.cookie_secure and is_loopback(host):
        console.print(
            "Cookies are Secure: over plain http:// a browser may drop them. For a browser on "
            "this machine, set SURAKSHA_COOKIE_SECURE=false."
        )
    serve(current, host=host, port=port, proxy=proxy, workers=workers)

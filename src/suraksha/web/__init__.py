"""The web application: `create_app(settings)` (app.py), one router per domain in routes/.

    app.py         create_app: middlewares, static files, error pages, the ROUTERS tuple
    deps.py        dependencies: `db` (one transaction per request), `signed_in`, `require_csrf`
    sessions       server-side sessions live in security/sessions.py; the cookie here (deps.py)
    csrf.py        synchroniser tokens bound to the session, checked on every unsafe method
    headers.py     Content-Security-Policy and the other headers on every response
    throttle.py    sign-in attempts per client address
    templating.py  `render` and `flash`; templates/ and static/ hold the pages and assets
    serve.py       running it under uvicorn (`suraksha serve`)

The web layer holds no policy of its own: routes call domain functions, which check the actor's
role and jurisdiction (security.policy) and write the audit log.
"""

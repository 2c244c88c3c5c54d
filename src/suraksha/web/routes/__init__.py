"""One router per domain; `web.app.ROUTERS` lists the modules the application includes."""

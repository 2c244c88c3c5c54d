"""The `suraksha` command line: one command group per domain, all built on `main.app`."""

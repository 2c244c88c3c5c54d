"""Storage: the engine (all dialect quirks), the declarative base, sessions and migrations."""

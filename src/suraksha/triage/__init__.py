"""Seized-media triage: what on a device is known, near, ignorable, new media, or other."""

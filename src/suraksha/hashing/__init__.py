"""Hashing: banks of known, ignorable and viral hashes, and the one matcher for every file."""

"""Identity: identifier types, linking of accounts into subjects, and the subjects themselves."""

"""Victims: restricted victim records, the age-proof checklist and support tracking (issue 8)."""

"""Offender networks: subjects joined by what they hold in common, the groups that network forms,
and each member's part in a group. See docs/networks.md."""

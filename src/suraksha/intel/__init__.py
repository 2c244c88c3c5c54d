"""Intelligence: explained priority, freshness clocks and jurisdiction routing of subjects."""

"""OIC training compliance tracker: the core (domain, database, rules, coverage, reports)."""

__version__ = "0.1.0"

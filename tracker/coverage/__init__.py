"""Who must do what, and who has: the requirement rules (``rules``), the population in
scope on a date (``population``), the one coverage engine every page, command and report
reads (``engine``), the trend and forecast (``trend``), the steady pace to a deadline and a
group's red/amber/green status against it (``pace``), exemptions, and one person's coverage
explained with its evidence (``explain``, ``rule_words``).

May import: config, reference, messages, store.
"""

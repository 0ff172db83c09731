"""Planning the sessions of a requirement delivered in person (the Hydra exercise, whose
rule says ``delivery = "sessions"``): each force's register of sessions, planned or held,
with date, venue, seats and trainer, every change audited (``register``); and the plan
(``plan``): per such requirement, the people still to train as the coverage engine counts
them, those joining scope before each session, the seats planned, whether and when they
close the gap, and how many more sessions of the usual size the target date needs; and
the invite list of a session (``invites``): who to invite, most overdue first and spread
across departments, the lead's edits, its formula-safe export, and after it who came;
and who may be added to a list by hand (``candidates``); and the demo force's planned
sessions (``demo``).

May import: config, reference, messages, store, coverage, reports.
"""

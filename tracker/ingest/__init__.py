"""Files into the database: the normalised records importers hand over (``records``), the
plan and the all-or-nothing commit of one import batch (``batch``), the plausibility
checks that stop a surprising file (``plausibility``), matching learners to people and the
review queue (``matching``), the user's value mappings and saved column layouts
(``mappings``, ``profiles``), the import lock and undo, and what both faces read about
imports: history, a batch's problems, the review queue, a batch's kept file (``reads``).

May import: config, reference, messages, store, coverage.
"""

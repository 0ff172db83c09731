"""OIC training compliance tracker: the core. Each topic is a room of its own, and a room
imports only the rooms its docstring names (``tests/test_layout.py`` holds them to it):

- ``config``: settings, their defaults and ``TRACKER_*`` overrides (imports no room);
- ``reference/``: the shipped vocabularies, text normalising, column headings and status words;
- ``messages/``: problems, their titles and hints per face, progress;
- ``store/``: the database schema, migrations, engines, kept files, audit, backup, retention;
- ``coverage/``: requirement rules, population, the coverage engine, trend, exemptions, explain;
- ``ingest/``: plan, check and commit an import, matching, mappings, layouts, undo;
- ``reports/``: the workbook, the report CSVs, the evidence, the formula-safe writer;
- ``recommendations/``: the recommendations that are not training: each force's register of
  milestones (recommendation 4), their evidence documents, progress against the deadline,
  and the one progress view of every recommendation (``overview``);
- ``sessions/``: the sessions a force plans for training delivered in person (the Hydra
  exercise), and the plan: who is still to train, seats planned, whether they close the gap;
- ``auth``: users, roles, what each role may see and do;
- ``cli/``: the ``tracker`` command, the composition root that wires the importers in.
"""

__version__ = "0.1.0"

"""What the tracker tells people: data problems as values (a ``Code``, a ``Problem``, one
``Report`` per file with the per-code cap), each code's title and what-to-do hint for each
face (``hints``: the dashboard names a page and a button, the command line a command), and
progress told while long work runs (``progress``). Core messages name neither face.

May import: config, reference.
"""

"""The reference vocabulary: the shipped ranks, departments, forces, modules and rules
(``data/*.toml``, editable per force), how text is normalised before it is looked up
(``text``), and the one table of column headings and status words every face shows
(``labels``). Pure lookups: no database, no file format.

May import: config.
"""

"""What the tracker hands to inspectors and managers: the report's figures (``data``), the
compliance workbook (``workbook``), the report CSVs (``csvs``), the evidence list behind
each number (``evidence``), the visiting forces' return: another force's Hydra delegates
who attended here, as a delegate list that force imports (``visitors``), and the one
formula-safe writer of every CSV and xlsx (``safe_text``).

May import: config, reference, messages, store, coverage, recommendations.
"""

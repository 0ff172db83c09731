"""A small force imported through the real path (the CLI, from csv files), for the backup,
restore and retention tests.

Avon and Somerset, two full HR rosters and one LMS export:

- 2025-01-31 roster: Ann Lee, Bob Kay, Cy Dee (leaving on 2025-03-31), Di Fox (all
  inspectors), Ed Gray (a constable);
- 2025-09-30 roster: Ann, Bob and Ed; Di Fox is gone, so she is a leaver from that date;
- an LMS export: Ann all four modules, Cy module 1 (by e-mail), Bob module 2, and
  "Di F" with an e-mail nobody has (queued for review; the test confirms her as 1004).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

ROSTER_JAN = """Staff Number,Collar Number,Surname,Forenames,Email,Rank,Department,Start Date,\
Leaving Date,Status
1001,0042,Lee,Ann,ann.lee@asc.police.uk,Insp,Response - Bristol North,15/01/2015,,Active
1002,0043,Kay,Bob,bob.kay@asc.police.uk,Inspector,NPT Taunton,16/02/2016,,Active
1003,777,Dee,Cy,cy.dee@asc.police.uk,Inspector,CID Bristol,17/03/2017,31/03/2025,Active
1004,0099,Fox,Di,di.fox@asc.police.uk,Insp,Response - Bristol North,18/04/2018,,Active
1005,12,Gray,Ed,ed.gray@asc.police.uk,PC,Response - Bristol North,19/05/2019,,Active
"""
ROSTER_SEP = """Staff Number,Collar Number,Surname,Forenames,Email,Rank,Department,Start Date,\
Leaving Date,Status
1001,0042,Lee,Ann,ann.lee@asc.police.uk,Insp,Response - Bristol North,15/01/2015,,Active
1002,0043,Kay,Bob,bob.kay@asc.police.uk,Inspector,NPT Taunton,16/02/2016,,Active
1005,12,Gray,Ed,ed.gray@asc.police.uk,PC,Response - Bristol North,19/05/2019,,Active
"""
LMS = """Employee ID,Full Name,Email,Course Title,Status,Completion Date
1001,Ann Lee,ann.lee@asc.police.uk,OIC Module 1,Completed,03/02/2025
1001,Ann Lee,ann.lee@asc.police.uk,OIC Module 2,Completed,04/02/2025
1001,Ann Lee,ann.lee@asc.police.uk,OIC Module 3,Completed,05/02/2025
1001,Ann Lee,ann.lee@asc.police.uk,OIC Module 4,Completed,06/02/2025
,Cy Dee,cy.dee@asc.police.uk,OIC Module 1,Completed,10/02/2025
1002,Bob Kay,bob.kay@asc.police.uk,OIC Module 2,Completed,11/02/2025
,Di F,di.f@old-address.uk,OIC Module 2,Completed,12/02/2025
"""
FILES = {"roster-jan.csv": ROSTER_JAN, "roster-sep.csv": ROSTER_SEP, "lms.csv": LMS}
AS_OF = {"roster-jan.csv": "2025-01-31", "roster-sep.csv": "2025-09-30", "lms.csv": "2025-02-28"}
LEAVERS = ("1003", "1004")


def build(run: Callable[..., Any], folder: Path) -> None:
    """Import the three files in order through ``run`` (``tracker --db URL ...``), then
    confirm the queued learner "Di F" as Di Fox."""
    for name, content in FILES.items():
        (folder / name).write_text(content, encoding="utf-8")
        result = run("import", str(folder / name), "--as-of", AS_OF[name], "--user", "lead",
                     "--force", "avon-and-somerset", "--accept")
        assert result.exit_code == 0, result.output
    result = run("match", "confirm", "1", "1004", "--user", "lead")
    assert result.exit_code == 0, result.output

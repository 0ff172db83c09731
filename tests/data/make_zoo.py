"""A zoo of export layouts from the systems forces really run, all describing ONE small
synthetic force (Avon and Somerset), and the coverage each import must give.

    python tests/data/make_zoo.py

writes tests/data/zoo/*.{xlsx,csv,txt} and tests/data/zoo/manifest.toml. Every file is
written by a real writer (openpyxl with date cells, the csv module, UTF-16 text) with the
header spellings the systems use; none is tuned to the tracker's own lists.

The truth lives in PEOPLE below (the roster as HR holds it, and each person's completions).
The expected coverage of each case is worked out from it by ``expected()``, plain Python
that mirrors tracker/data/rules.toml; it never runs the tracker.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
ZOO = HERE / "zoo"
FORCE = "avon-and-somerset"
AS_OF = dt.date(2026, 11, 1)  # the coverage date of every case
TODAY = dt.date(2026, 12, 3)  # TRACKER_TODAY of the tests
DEADLINE = dt.date(2026, 4, 30)  # both requirements (rules.toml)
GRACE_DAYS = 90
ROSTER_RUN = dt.date(2026, 10, 30)  # the day HR ran the rosters that print a run date
EXCEL_SHORT_DATE = "mm-dd-yy"  # openpyxl's spelling of built-in number format 14
EL = ("el1", "el2", "el3", "el4")

# ----------------------------------------------------------------------------- the truth

# Units as HR writes them, and the function a person reading departments.toml gives each
# (None: the shipped vocabulary maps it to nothing, and nobody there needs a function).
UNITS: dict[str, str | None] = {
    "Response - Bristol North": "response",
    "Response - Bath": "response",
    "Response - Taunton": "response",
    "Force Control Room": "control-room",
    "FCR Portishead": "control-room",
    "CID Taunton": "cid",
    "CID Bristol": "cid",
    "Major Crime Investigation Team": "cid",
    "RPU Portishead": "roads-policing",
    "NPT Yeovil": "neighbourhood",
    "Neighbourhood - Weston-super-Mare": "neighbourhood",
    "Custody - Keynsham": "custody",
    "Custody Patchway": "custody",
    "Public Protection - Lighthouse": "public-protection",
    "Intelligence Bureau": "intelligence",
    "Operational Support - Firearms": "operations",
    "HR Services": "corporate",
    "Finance": "corporate",
    "Evidential Property Store": None,
    "Occupational Health & Welfare": None,
}
# Directorates above the units (ResourceLink's organisation level 2).
DIRECTORATE = {
    "response": "Operational Policing", "control-room": "Contact Management",
    "cid": "Investigations", "roads-policing": "Operational Support",
    "neighbourhood": "Neighbourhood & Partnerships", "custody": "Operational Support",
    "public-protection": "Investigations", "intelligence": "Investigations",
    "operations": "Operational Support", "corporate": "Enabling Services",
    None: "Enabling Services",
}
STATION = {
    "Response - Bristol North": "Trinity Road", "Response - Bath": "Bath",
    "Response - Taunton": "Taunton", "Force Control Room": "Portishead HQ",
    "FCR Portishead": "Portishead HQ", "CID Taunton": "Taunton", "CID Bristol": "Patchway",
    "Major Crime Investigation Team": "Portishead HQ", "RPU Portishead": "Portishead HQ",
    "NPT Yeovil": "Yeovil", "Neighbourhood - Weston-super-Mare": "Weston-super-Mare",
    "Custody - Keynsham": "Keynsham", "Custody Patchway": "Patchway",
    "Public Protection - Lighthouse": "Trinity Road", "Intelligence Bureau": "Portishead HQ",
    "Operational Support - Firearms": "Portishead HQ", "HR Services": "Portishead HQ",
    "Finance": "Portishead HQ", "Evidential Property Store": "Bridgwater",
    "Occupational Health & Welfare": "Portishead HQ",
}

# Ranks as HR writes them (short form): workforce type, canonical rank, detective, and the
# long form other systems print.
RANKS: dict[str, tuple[str, str, bool, str]] = {
    "PC": ("police_officer", "constable", False, "Police Constable"),
    "DC": ("police_officer", "constable", True, "Detective Constable"),
    "T/DC": ("police_officer", "constable", True, "Trainee Detective Constable"),
    "PS": ("police_officer", "sergeant", False, "Police Sergeant"),
    "Sgt": ("police_officer", "sergeant", False, "Sergeant"),
    "A/PS": ("police_officer", "sergeant", False, "Acting Police Sergeant"),
    "DS": ("police_officer", "sergeant", True, "Detective Sergeant"),
    "Insp": ("police_officer", "inspector", False, "Inspector"),
    "A/Insp": ("police_officer", "inspector", False, "Acting Inspector"),
    "DI": ("police_officer", "inspector", True, "Detective Inspector"),
    "T/DI": ("police_officer", "inspector", True, "Temporary Detective Inspector"),
    "Ch Insp": ("police_officer", "chief-inspector", False, "Chief Inspector"),
    "DCI": ("police_officer", "chief-inspector", True, "Detective Chief Inspector"),
    "Supt": ("police_officer", "superintendent", False, "Superintendent"),
    "Spec Insp": ("special_constable", "special-inspector", False, "Special Inspector"),
    "SC": ("special_constable", "special-constable", False, "Special Constable"),
    "PCSO": ("pcso", "pcso", False, "Police Community Support Officer"),
    "Scale 4": ("police_staff", "staff", False, "Scale 4"),
    "Scale 5": ("police_staff", "staff", False, "Scale 5"),
    "Scale 6": ("police_staff", "staff", False, "Scale 6"),
    "SO1": ("police_staff", "staff", False, "SO1"),
    "PO1": ("police_staff", "staff", False, "PO1"),
    "PO2": ("police_staff", "staff", False, "PO2"),
    "Grade E": ("police_staff", "staff", False, "Grade E"),
}
WORKFORCE_LABEL = {"police_officer": "Police Officer", "special_constable": "Special Constable",
                   "pcso": "PCSO", "police_staff": "Police Staff"}

HYDRA_SESSIONS = (dt.date(2025, 11, 12), dt.date(2026, 3, 4), dt.date(2026, 6, 10),
                  dt.date(2026, 9, 23))


@dataclass(frozen=True)
class Person:
    staff: str  # staff / payroll / person number, leading zeros kept
    collar: str | None
    title: str  # honorific, as iTrent holds it
    forename: str
    surname: str
    rank: str  # key of RANKS
    unit: str  # key of UNITS
    role: str
    el_from: dt.date | None = None  # module k done on el_from + 7(k-1) days ...
    el_done: int = 4  # ... for the first el_done modules
    hydra: dt.date | None = None
    hydra_dna: dt.date | None = None  # booked on this session, did not attend
    leaving: dt.date | None = None
    manager: str | None = None
    index: int = 0

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}"

    @property
    def email(self) -> str:
        local = f"{self.forename}.{self.surname}".lower()
        for a, b in (("'", ""), (" ", ""), ("é", "e"), ("á", "a"), ("ë", "e"), ("í", "i"),
                     ("ó", "o"), ("ú", "u")):
            local = local.replace(a, b)
        return f"{local}@avonandsomerset.police.uk"

    @property
    def username(self) -> str:
        return self.email.split("@")[0]

    @property
    def workforce(self) -> str:
        return RANKS[self.rank][0]

    @property
    def rank_code(self) -> str:
        return RANKS[self.rank][1]

    @property
    def rank_long(self) -> str:
        return RANKS[self.rank][3]

    @property
    def function(self) -> str | None:
        return UNITS[self.unit]

    @property
    def start(self) -> dt.date:
        return dt.date(1996 + self.index % 26, 1 + self.index % 12, 1 + (self.index * 7) % 27)

    def el_dates(self) -> dict[str, dt.date]:
        if self.el_from is None:
            return {}
        return {m: self.el_from + dt.timedelta(days=7 * k)
                for k, m in enumerate(EL[:self.el_done])}


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


H1, H2, H3, H4 = HYDRA_SESSIONS
_P = Person
PEOPLE: list[Person] = [
    # Inspectors (detectives included) in Hydra's functions: the Hydra population.
    _P("00417", "0456", "Ms", "Siobhan", "O'Brien", "Insp", "Response - Bristol North",
       "Response Inspector", _d("2025-01-10"), hydra=H1),
    _P("04567", "789", "Mr", "José", "Álvarez", "DI", "CID Taunton", "Detective Inspector",
       _d("2024-11-04"), hydra=H3),
    _P("00931", "2214", "Mr", "Ciarán", "Murphy", "Insp", "Force Control Room",
       "Force Incident Manager", _d("2025-02-17"), el_done=3, hydra=H2),
    _P("01202", "1530", "Mrs", "Renée", "Clarke", "Insp", "RPU Portishead",
       "Roads Policing Inspector", _d("2025-03-03"), hydra_dna=H2),
    _P("00088", "0071", "Mr", "Mark", "D'Souza", "Insp", "NPT Yeovil",
       "Neighbourhood Inspector", _d("2026-05-04"), hydra=H1),
    _P("02345", "3342", "Dr", "Priya", "Patel", "DI", "Major Crime Investigation Team",
       "Senior Investigating Officer", None, hydra=H2),
    _P("03001", "4410", "Mr", "Tom", "Hughes", "A/Insp", "Response - Bath",
       "Response Inspector", _d("2025-06-02"), hydra=H4),
    _P("00512", "612", "Miss", "Aisling", "Byrne", "Insp", "FCR Portishead",
       "Force Incident Manager", _d("2025-09-15")),
    _P("01777", "1777", "Mr", "Gareth", "Williams", "T/DI", "CID Bristol",
       "Detective Inspector", _d("2024-12-02"), hydra=H1),
    _P("02020", "2020", "Mrs", "Fatima", "Hussain", "Insp", "Neighbourhood - Weston-super-Mare",
       "Neighbourhood Inspector", _d("2025-04-07"), hydra=H2),
    # Senior or elsewhere: not in Hydra's population, whatever they attended.
    _P("00650", "0650", "Ms", "Helen", "Marsh", "Ch Insp", "Response - Taunton",
       "Area Commander", _d("2025-01-13"), hydra=H1),
    _P("01313", "1313", "Mr", "Daniel", "Okafor", "DI", "Public Protection - Lighthouse",
       "Detective Inspector", _d("2025-05-12"), hydra=H2),
    _P("00744", "744", "Ms", "Rachel", "Green", "Insp", "Operational Support - Firearms",
       "Tactical Firearms Commander", _d("2025-10-06"), el_done=2),
    _P("07001", "S1042", "Mr", "Alan", "Brooks", "Spec Insp", "Response - Bristol North",
       "Special Inspector", _d("2025-07-07")),
    # Sergeants and constables.
    _P("01010", "1010", "Mrs", "Karen", "Lloyd", "PS", "Response - Bristol North",
       "Response Sergeant", _d("2025-02-03"), manager="00417"),
    _P("01011", "2781", "Mr", "Imran", "Shah", "DS", "CID Bristol", "Detective Sergeant",
       _d("2026-06-01"), manager="01777"),
    _P("01012", "3120", "Mr", "Ben", "Carter", "PC", "Response - Bristol North",
       "Response Officer", _d("2025-03-10"), manager="01010"),
    _P("01013", "3121", "Ms", "Lucy", "Evans", "PC", "Response - Bath", "Response Officer",
       _d("2025-03-10"), el_done=3, manager="03001"),
    _P("01014", "0312", "Mx", "Sam", "Taylor", "PC", "RPU Portishead", "Roads Policing Officer",
       _d("2025-11-03"), manager="01202"),
    _P("01015", "3318", "Ms", "Noor", "Ahmed", "DC", "CID Taunton", "Detective Constable",
       _d("2025-08-04"), manager="04567"),
    _P("01016", "3319", "Mr", "Kieran", "O'Neill", "DC", "Major Crime Investigation Team",
       "Detective Constable", None, manager="02345"),
    _P("01017", "4001", "Mr", "Jack", "Wilson", "PC", "NPT Yeovil", "Beat Manager",
       _d("2026-01-12"), manager="00088"),
    _P("01018", "4002", "Miss", "Emily", "Roberts", "PC", "Neighbourhood - Weston-super-Mare",
       "Beat Manager", _d("2026-02-09"), manager="02020"),
    _P("01019", "4003", "Mr", "Oliver", "Price", "PC", "Evidential Property Store",
       "Restricted Duties Officer", _d("2025-12-01")),
    _P("01020", "4004", "Mrs", "Grace", "Turner", "PS", "Custody - Keynsham",
       "Custody Sergeant", _d("2025-05-05")),
    _P("01021", "4005", "Ms", "Hannah", "Walsh", "PC", "Intelligence Bureau",
       "Intelligence Officer", None),
    _P("01022", "4006", "Mr", "Liam", "Foster", "T/DC", "CID Bristol",
       "Trainee Investigator", _d("2026-04-13"), manager="01011"),
    _P("01023", "4007", "Ms", "Megan", "Hall", "Sgt", "Operational Support - Firearms",
       "Firearms Sergeant", _d("2025-09-01"), manager="00744"),
    _P("01024", "4008", "Ms", "Zoë", "Hart-Jones", "PC", "Response - Taunton",
       "Response Officer", _d("2026-04-09")),
    _P("01025", "4009", "Mr", "Ryan", "Cooper", "A/PS", "Response - Taunton",
       "Response Sergeant", None),
    _P("00041", "41", "Mr", "Andrew", "Bell", "Supt", "Response - Bristol North",
       "Head of Response", _d("2025-01-20")),
    _P("00077", "0077", "Ms", "Laura", "Kent", "DCI", "CID Bristol",
       "Detective Chief Inspector", _d("2025-06-16")),
    # Special constables and PCSOs.
    _P("07002", "S2231", "Mr", "Peter", "Moss", "SC", "NPT Yeovil", "Special Constable",
       _d("2025-10-13")),
    _P("07003", "S2232", "Miss", "Aaliyah", "Brown", "SC", "Response - Bath",
       "Special Constable", None),
    _P("05001", "7301", "Mrs", "Dawn", "Fisher", "PCSO", "NPT Yeovil", "PCSO",
       _d("2025-03-17"), manager="00088"),
    _P("05002", "7302", "Mr", "Rhys", "Morgan", "PCSO", "Neighbourhood - Weston-super-Mare",
       "PCSO", _d("2025-03-17"), el_done=2),
    _P("05003", "7303", "Ms", "Beatriz", "Santos", "PCSO", "NPT Yeovil", "PCSO",
       _d("2026-07-06")),
    # Police staff: in scope only in the Control Room and Custody.
    _P("06001", None, "Ms", "Gemma", "Stone", "Scale 4", "Force Control Room", "Call Handler",
       _d("2025-04-14")),
    _P("06002", None, "Mrs", "Shauna", "McCarthy", "Scale 5", "FCR Portishead", "Dispatcher",
       None),
    _P("06003", None, "Mr", "Wayne", "Phillips", "Scale 4", "Custody Patchway",
       "Detention Officer", _d("2025-08-11")),
    _P("06004", None, "Ms", "Niamh", "O'Connor", "SO1", "Custody - Keynsham",
       "Custody Manager", _d("2025-08-11"), el_done=3),
    _P("06005", None, "Mr", "David", "Lewis", "PO2", "HR Services", "HR Business Partner"),
    _P("06006", None, "Dr", "Eleanor", "Ward", "Grade E", "Intelligence Bureau",
       "Intelligence Analyst", _d("2025-05-19")),
    _P("06007", None, "Mr", "Steve", "Parry", "Scale 4", "Evidential Property Store",
       "Property Officer"),
    _P("06008", None, "Mrs", "Julie", "Knight", "PO1", "Finance", "Finance Manager"),
    _P("06009", None, "Ms", "Kerry", "Bates", "Scale 6", "Force Control Room",
       "Control Room Supervisor", _d("2026-08-03")),
    _P("06010", None, "Ms", "Tanya", "Rees", "Scale 4", "Occupational Health & Welfare",
       "Occupational Health Adviser"),
    # A leaver: completed the e-learning, left before the coverage date.
    _P("01026", "4010", "Mr", "Craig", "Jenkins", "PC", "Response - Bath", "Response Officer",
       _d("2025-02-24"), leaving=_d("2026-08-31")),
]
PEOPLE = [Person(**{**p.__dict__, "index": i}) for i, p in enumerate(PEOPLE)]
BY_STAFF = {p.staff: p for p in PEOPLE}
CURRENT = [p for p in PEOPLE if p.leaving is None or p.leaving > AS_OF]
LEAVERS = [p for p in PEOPLE if p not in CURRENT]


@dataclass(frozen=True)
class Stranger:
    """A learner or delegate who is on no Avon and Somerset roster."""

    name: str
    number: str
    force: str  # as the trainer writes it
    rank: str
    unit: str


# Delegates from neighbouring forces; two share a collar number with one of ours.
VISITORS = {
    H1: [Stranger("Paul Whitfield", "3120", "Dorset Police", "Insp", "Response Weymouth")],
    H2: [Stranger("Sarah Kemp", "2214", "Wiltshire Police", "DI", "CID Swindon"),
         Stranger("Tom Reed", "1188", "Glos", "Insp", "Force Control Room")],
    H3: [Stranger("Megan Lacey", "0419", "Wiltshire Police", "Insp", "Neighbourhood Chippenham")],
    H4: [Stranger("Gavin Cole", "2766", "Dorset Police", "Insp", "Roads Policing")],
}
# Accounts in the LMS that are on no roster: a training administrator's test account and
# a new joiner HR has not added yet.
LMS_ONLY = [("Training", "Admin", "", "lms.admin@avonandsomerset.police.uk"),
            ("Chris", "Doyle", "01031", "chris.doyle@avonandsomerset.police.uk")]

# ----------------------------------------------------------------------------- facts

Fact = tuple[str, str, dt.date]  # (staff number, module, date completed)


def el_facts(people: Iterable[Person] = PEOPLE) -> list[Fact]:
    return [(p.staff, m, day) for p in people for m, day in p.el_dates().items()]


def hydra_facts(sessions: Sequence[dt.date] = HYDRA_SESSIONS) -> list[Fact]:
    return [(p.staff, "hydra", p.hydra) for p in PEOPLE if p.hydra in sessions]


# ----------------------------------------------------------------------------- the rules

def in_hydra_scope(p: Person) -> bool:
    return (p.workforce == "police_officer" and p.rank_code == "inspector"
            and p.function in {"control-room", "response", "neighbourhood", "cid",
                               "roads-policing"})


def in_elearning_scope(p: Person) -> bool:
    return (p.workforce in {"police_officer", "special_constable", "pcso"}
            or (p.workforce == "police_staff" and p.function in {"control-room", "custody"}))


REQUIREMENTS: list[tuple[str, Callable[[Person], bool], tuple[str, ...]]] = [
    ("oic-hydra", in_hydra_scope, ("hydra",)),
    ("oic-elearning", in_elearning_scope, EL),
]


def expected(facts: Iterable[Fact], as_of: dt.date = AS_OF) -> list[dict[str, object]]:
    """The coverage JSON rows of ``tracker coverage`` for the truth's force, by the rules:
    in scope = on the roster on ``as_of`` and matching the rule; completed = every module
    done on or before ``as_of`` (late when the last was after the deadline); not yet due =
    started under 90 days before; outstanding = the rest."""
    done: dict[str, dict[str, dt.date]] = {}
    for staff, module, day in facts:
        if day <= as_of:
            first = done.setdefault(staff, {})
            first[module] = min(day, first.get(module, day))
    rows = []
    for req_id, rule, modules in REQUIREMENTS:
        counts = dict.fromkeys(("in_scope", "exempt", "completed", "completed_late",
                                "not_yet_due", "outstanding"), 0)
        for p in PEOPLE:
            on_roster = p.start <= as_of and (p.leaving is None or p.leaving > as_of)
            if not (on_roster and rule(p)):
                continue
            counts["in_scope"] += 1
            mine = done.get(p.staff, {})
            if all(m in mine for m in modules):
                counts["completed"] += 1
                counts["completed_late"] += max(mine[m] for m in modules) > DEADLINE
            elif p.start > as_of - dt.timedelta(days=GRACE_DAYS):
                counts["not_yet_due"] += 1
            else:
                counts["outstanding"] += 1
        base = counts["completed"] + counts["outstanding"]
        pct = round(100 * counts["completed"] / base, 1) if base else None
        rows.append({"requirement": req_id, **counts, "coverage_pct": pct,
                     "small_group": counts["in_scope"] < 10})
    return rows


# ----------------------------------------------------------------------------- formats

EL_TITLES = {  # as a force's LMS shows the College of Policing modules
    "el1": "Organised Immigration Crime - Module 1: Understanding organised immigration crime",
    "el2": "Organised Immigration Crime - Module 2: Identifying and responding to OIC",
    "el3": "Organised Immigration Crime - Module 3: Investigating OIC",
    "el4": "Organised Immigration Crime - Module 4: Safeguarding victims and working with "
           "partners",
}
SHORT_TITLES = {"el1": "OIC Module 1 - Understanding OIC", "el2": "OIC Module 2 - Identify "
                "and Respond", "el3": "OIC Module 3 - Investigating OIC", "el4": "OIC Module 4 "
                "- Safeguarding and Partners"}
HYDRA_TITLE = "OIC Hydra Immersive Exercise"


def uk(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def mon(day: dt.date | None) -> str:
    return day.strftime("%d %b %Y") if day else ""


def at(day: dt.date, hour: int = 14, minute: int = 5) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def write_csv(name: str, rows: Sequence[Sequence[object]], encoding: str = "utf-8",
              **dialect: object) -> None:
    with (ZOO / name).open("w", newline="", encoding=encoding) as out:
        csv.writer(out, **dialect).writerows(rows)  # type: ignore[arg-type]


def write_utf16_tabs(name: str, rows: Sequence[Sequence[object]], newline: str) -> None:
    """Moodle's "Excel-compatible" download: UTF-16LE with a byte-order mark, tabs."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator=newline).writerows(rows)
    (ZOO / name).write_bytes(b"\xff\xfe" + buffer.getvalue().encode("utf-16-le"))


def write_sheets(name: str, sheets: dict[str, Sequence[Sequence[object]]]) -> None:
    """A workbook; dates become date cells with number format 14 (as Excel shows them)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "dd/mm/yyyy hh:mm"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = EXCEL_SHORT_DATE
    wb.properties.creator = "make_zoo"
    wb.properties.created = STAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    (ZOO / name).write_bytes(_reproducible(buffer.getvalue()))


STAMP = dt.datetime(2026, 10, 30, 6, 0)


def _reproducible(xlsx: bytes) -> bytes:
    """The workbook with fixed zip entry times and "modified" date (openpyxl stamps the time
    of saving), so that running the generator again writes the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*",
                              rb"\g<1>" + STAMP.isoformat().encode() + b"Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, STAMP.timetuple()[:6]), data,
                         zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ----------------------------------------------------------------------------- rosters
# Each writer returns whether the leaver is in the file (with a leaving date).


def oracle_hr_establishment() -> bool:
    """Oracle HCM (OTBI analysis exported to Excel): title, date cells, leaver included."""
    rows: list[list[object]] = [
        ["Workforce Establishment - All Active and Recently Terminated Assignments"],
        [f"Run Date: {ROSTER_RUN:%d/%m/%Y}"],
        [],
        ["Person Number", "Assignment Number", "Last Name", "First Name", "Work Email",
         "Grade/Rank", "Job", "Organization", "Location", "Assignment Category",
         "Manager Person Number", "Hire Date", "Actual Termination Date",
         "Assignment Status"],
    ]
    for p in PEOPLE:
        rows.append([p.staff, f"E{p.staff}", p.surname, p.forename, p.email, p.rank_long,
                     p.role, p.unit, STATION[p.unit], WORKFORCE_LABEL[p.workforce],
                     p.manager, p.start, p.leaving,
                     "Inactive - Payroll Eligible" if p.leaving else "Active - Payroll Eligible"])
    rows += [[], [f"{len(PEOPLE)} rows"]]
    write_sheets("oracle-hr-establishment.xlsx", {"Establishment": rows})
    return True


def oracle_ebs_surname_forename() -> bool:
    """Oracle E-Business Suite people list: "SURNAME, Forename" names, abbreviations."""
    rows: list[list[object]] = [["Employee Num", "Employee Name", "Email Address", "Grade",
                                 "Job", "Organization Name", "Location", "Person Type",
                                 "Collar Num", "Latest Start Date"]]
    for p in CURRENT:
        rows.append([p.staff, f"{p.surname.upper()}, {p.forename}", p.email, p.rank, p.role,
                     p.unit, STATION[p.unit],
                     "Employee" if p.workforce == "police_staff" else "Police Officer"
                     if p.workforce == "police_officer" else WORKFORCE_LABEL[p.workforce],
                     p.collar, p.start])
    write_sheets("oracle-ebs-people-surname-forename.xlsx", {"People": rows})
    return False


def sap_methr_roster() -> bool:
    """SAP HR (MetHR-style ALV list to spreadsheet): dd.mm.yyyy texts, rank in EE subgroup."""
    rows: list[list[object]] = [["Pers.No.", "Name", "Position", "Org. Unit",
                                 "Personnel Subarea", "EE group", "EE subgroup", "Warrant No.",
                                 "Entry", "Leaving"]]
    for p in PEOPLE:
        rows.append([p.staff, p.name, f"{p.role} ({STATION[p.unit]})", p.unit, STATION[p.unit],
                     WORKFORCE_LABEL[p.workforce], p.rank_long, p.collar,
                     p.start.strftime("%d.%m.%Y"),
                     p.leaving.strftime("%d.%m.%Y") if p.leaving else ""])
    write_sheets("sap-methr-roster.xlsx", {"Sheet1": rows})
    return True


def itrent_roster() -> bool:
    """MHR iTrent report: Title holds honorifics, rank and department as descriptions."""
    rows: list[list[object]] = [["Employee Number", "Title", "Forename", "Surname", "Known As",
                                 "Job Title", "Rank Desc", "Dept Desc", "Location Desc",
                                 "Work Email", "Line Manager Emp No", "Start Date",
                                 "Leaving Date"]]
    for p in PEOPLE:
        rows.append([p.staff, p.title, p.forename, p.surname, p.forename, p.role, p.rank,
                     p.unit, STATION[p.unit], p.email, p.manager or "", uk(p.start),
                     uk(p.leaving)])
    write_csv("itrent-roster.csv", rows)
    return True


def resourcelink_roster() -> bool:
    """Zellis ResourceLink: three organisation levels, force > directorate > unit."""
    rows: list[list[object]] = [["Payroll No", "Surname", "Forename(s)", "Preferred Name",
                                 "Grade", "Post Title", "Organisation Level 1",
                                 "Organisation Level 2", "Organisation Level 3",
                                 "Employee Group", "Continuous Service Date", "Date Left",
                                 "Employee Status"]]
    for p in PEOPLE:
        rows.append([p.staff, p.surname, p.forename, p.forename, p.rank_long, p.role,
                     "Avon and Somerset Constabulary", DIRECTORATE[p.function], p.unit,
                     WORKFORCE_LABEL[p.workforce], uk(p.start), uk(p.leaving),
                     "Leaver" if p.leaving else "Current"])
    write_csv("resourcelink-roster.csv", rows)
    return True


def origin_duty_roster() -> bool:
    """Origin HR nominal roll: Windows-1252, a title line, force and warrant numbers."""
    rows: list[list[object]] = [["Origin HR - Nominal Roll (current staff)"], [],
                                ["Force No", "Warrant No", "Surname", "Forenames", "Rank",
                                 "Department", "Station", "Email Address", "Date Joined"]]
    for p in CURRENT:
        rows.append([p.staff, p.collar or "", p.surname, p.forename, p.rank, p.unit,
                     STATION[p.unit], p.email, uk(p.start)])
    rows.append([f"Total: {len(CURRENT)}"])
    write_csv("origin-duty-roster.csv", rows, encoding="cp1252")
    return False


def crown_duty_planning() -> bool:
    """A duty-planning system's team list saved by European Excel: UTF-8 BOM, semicolons."""
    rows: list[list[object]] = [["Officer ID", "Shoulder No", "Surname", "First Name", "Rank",
                                 "Unit/Team", "Station", "Shift Pattern"]]
    for i, p in enumerate(CURRENT):
        rows.append([p.staff, p.collar or "", p.surname, p.forename, p.rank, p.unit,
                     STATION[p.unit], "5 Team" if i % 2 else "Days"])
    write_csv("crown-duty-planning-semicolon.csv", rows, encoding="utf-8-sig", delimiter=";")
    return False


# ----------------------------------------------------------------------------- LMS exports
# Each writer returns the completion facts the file holds.


def _el_rows(people: Iterable[Person] = PEOPLE) -> list[tuple[Person, str, dt.date | None]]:
    """One row per person per module: the date done, or None (started, not finished)."""
    out = []
    for p in people:
        dates = p.el_dates()
        for m in EL:
            if m in dates or p.el_from is not None:
                out.append((p, m, dates.get(m)))
    return out


def totara_report_builder_xlsx() -> list[Fact]:
    header = ["User's Fullname", "Username", "User ID Number", "User's Email",
              "User's Organisation Name", "User's Position", "Course Name", "Completion Status",
              "Completion Date"]
    rows: list[list[object]] = [
        ["This report contains records matching the following criteria:"],
        ["Course Name contains \"Organised Immigration Crime\""],
        ["User's Organisation Name (multi-item) is any value"],
        ["Report data last updated: Friday, 30 October 2026, 6:00 AM"],
        [],
        header,
    ]
    for i, (p, m, day) in enumerate(_el_rows()):
        status = ("Complete via rpl" if p.staff == "02020" and m == "el2" else "Complete"
                  ) if day else ("In progress" if i % 2 else "Not yet started")
        rows.append([p.name, p.username, p.staff, p.email, p.unit, p.role, EL_TITLES[m],
                     status, day])
    for first, last, staff, email in LMS_ONLY:
        rows.append([f"{first} {last}", email.split("@")[0], staff, email, "", "",
                     EL_TITLES["el1"], "Complete", _d("2025-06-02")])
    write_sheets("totara-report-builder.xlsx", {"Course Completion": rows})
    return el_facts()


def totara_report_builder_csv() -> list[Fact]:
    rows: list[list[object]] = [["User First Name", "User Last Name", "Username",
                                 "User ID Number", "User's Email", "Course Name",
                                 "Completion Status", "Date Started", "Completion Date",
                                 "Grade", "Progress (%)"]]
    for p, m, day in _el_rows():
        started = (day or p.el_from or AS_OF) - dt.timedelta(days=2)
        rows.append([p.forename, p.surname, p.username, p.staff, p.email, EL_TITLES[m],
                     "Complete" if day else "In progress", mon(started), mon(day),
                     "100" if day else "", "100" if day else "40"])
    write_csv("totara-report-builder.csv", rows)
    return el_facts()


def _excel_safe(value: object) -> object:
    """Totara's "CSV (Excel)" writer: a TAB before a cell starting with = @ + -."""
    text = "" if value is None else str(value)
    return "\t" + text if text[:1] in ("=", "@", "+", "-") else text


def totara_report_builder_csv_excel() -> list[Fact]:
    rows: list[list[object]] = [["User's Fullname", "User ID Number", "User's Email",
                                 "User's Organisation Name", "User's Position", "Course Name",
                                 "Completion Status", "Completion Date", "Grade"]]
    for p, m, day in _el_rows():
        rows.append([p.name, p.staff, p.email, p.unit, "-" if p.workforce == "police_staff"
                     else p.role, EL_TITLES[m], "Complete" if day else "In progress",
                     mon(day), "-" if not day else "+" + "100"])
    write_csv("totara-report-builder-csv-excel.csv", [[_excel_safe(v) for v in row]
                                                      for row in rows], encoding="utf-8-sig")
    return el_facts()


def totara_completion_upload() -> list[Fact]:
    """The CSV a Totara admin uploads (username = the staff number here)."""
    short = {"el1": "OIC-M1", "el2": "OIC-M2", "el3": "OIC-M3", "el4": "OIC-M4"}
    rows: list[list[object]] = [["username", "courseshortname", "courseidnumber",
                                 "completiondate", "grade"]]
    for p, m, day in _el_rows():
        if day:
            rows.append([p.staff, short[m], f"COP-OIC-0{m[-1]}", iso(day), ""])
    rows.append(rows[5])  # the same line twice
    rows.append(["", "OIC-M1", "COP-OIC-01", "2025-06-02", ""])  # blank user name
    write_csv("totara-completion-upload.csv", rows)
    return el_facts()


MOODLE_ACTIVITIES = {
    "el1": "OIC Module 1: Understanding organised immigration crime",
    "el2": "OIC Module 2: Identifying and responding to OIC",
    "el3": "OIC Module 3: Investigating OIC",
    "el4": "OIC Module 4: Safeguarding victims and working with partners",
}


def _moodle_course_rows(stamp: Callable[[dt.datetime], str], identity: Sequence[str]
                        ) -> list[list[object]]:
    """report/completion: ID (Moodle's own), Name, identity fields, status and date per
    activity (a welcome page among them), Course complete."""
    header: list[object] = ["ID", "Name", *identity, "Welcome and course guide",
                            "Welcome and course guide - Completion date"]
    for m in EL:
        header += [MOODLE_ACTIVITIES[m], f"{MOODLE_ACTIVITIES[m]} - Completion date"]
    rows: list[list[object]] = [[*header, "Course complete"]]
    fields = {"Email address": lambda p: p.email, "ID number": lambda p: p.staff,
              "Username": lambda p: p.username}
    for i, p in enumerate(PEOPLE):
        dates = p.el_dates()
        row: list[object] = [200 + i, p.name, *(fields[f](p) for f in identity)]
        row += ["Completed", stamp(at(p.el_from, 9, 0))] if p.el_from else ["Not completed", ""]
        for k, m in enumerate(EL):
            day = dates.get(m)
            status = "Completed (achieved pass grade)" if k == 3 else "Completed"
            row += [status, stamp(at(day, 10 + k))] if day else ["Not completed", ""]
        row.append(stamp(at(dates["el4"], 13)) if "el4" in dates else "")
        rows.append(row)
    return rows


def moodle_course_completion_csv() -> list[Fact]:
    write_csv("moodle-course-completion.csv",
              _moodle_course_rows(lambda t: t.strftime("%d/%m/%y, %H:%M"),
                                  ["Email address", "ID number"]))
    return el_facts()


def moodle_course_completion_excel() -> list[Fact]:
    write_utf16_tabs("moodle-course-completion-excel.txt",
                     _moodle_course_rows(lambda t: t.strftime("%d/%m/%y, %H:%M"),
                                         ["Email address", "ID number"]), "\r\n")
    return el_facts()


def moodle_course_completion_en_us() -> list[Fact]:
    """A site in US English: %m/%d/%y dates (days over 12 among them)."""
    write_csv("moodle-course-completion-en-us.csv",
              _moodle_course_rows(lambda t: t.strftime("%m/%d/%y, %H:%M"),
                                  ["Username", "ID number"]))
    return el_facts()


def _moodle_activity_rows() -> list[list[object]]:
    """report/progress: an untitled name column, identity fields, per activity its name and
    an (empty) expected-completion cell; statuses and %Y-%m-%d %H:%M:%S dates."""
    header: list[object] = ["", "Email address", "ID number"]
    for m in EL:
        header += [MOODLE_ACTIVITIES[m], ""]
    rows: list[list[object]] = [header]
    for p in PEOPLE:
        dates = p.el_dates()
        row: list[object] = [p.name, p.email, p.staff]
        for m in EL:
            day = dates.get(m)
            if day is None:
                row += ["Not completed", ""]
                continue
            status = "Completed (set by Karen Lloyd)" if p.staff == "01012" else "Completed"
            row += [status, at(day, 11, 30).strftime("%Y-%m-%d %H:%M:%S")]
        rows.append(row)
    return rows


def moodle_activity_completion_csv() -> list[Fact]:
    write_csv("moodle-activity-completion.csv", _moodle_activity_rows(),
              quoting=csv.QUOTE_ALL)
    return el_facts()


def moodle_activity_completion_excel() -> list[Fact]:
    write_utf16_tabs("moodle-activity-completion-excel.txt", _moodle_activity_rows(), "\n")
    return el_facts()


def moodle_custom_report() -> list[Fact]:
    """Moodle 4 report builder, "Course participants" source: one row per learner per
    course, "Time completed" as Moodle's long date."""
    courses = {m: f"Organised Immigration Crime Module {m[-1]}" for m in EL}
    rows: list[list[object]] = [["Course full name with link", "Full name with link",
                                 "Email address", "ID number", "Completed", "Time completed"]]
    for p, m, day in _el_rows():
        when = at(day, 14, 15).strftime("%A, %-d %B %Y, %-I:%M %p") if day else ""
        rows.append([courses[m], p.name, p.email, p.staff, "Yes" if day else "No", when])
    write_csv("moodle-custom-report.csv", rows)
    return el_facts()


def cornerstone_transcript() -> list[Fact]:
    """Cornerstone OnDemand transcript report: online classes and the Hydra session."""
    rows: list[list[object]] = [
        ["Transcript Report - OIC training"],
        [f"Run Date: {TODAY:%m/%d/%Y}"],
        [],
        ["User ID", "User Full Name", "User Email", "User Division", "User Position",
         "Training Title", "Training Type", "Transcript Status", "Completed Date",
         "Training Hours"],
    ]
    for p, m, day in _el_rows():
        rows.append([p.staff, p.name, p.email, p.unit, p.role, EL_TITLES[m], "Online Class",
                     "Completed" if day else "In Progress", day, 0.75])
    for p in PEOPLE:
        if p.hydra or p.hydra_dna:
            rows.append([p.staff, p.name, p.email, p.unit, p.role, HYDRA_TITLE, "Session",
                         "Completed" if p.hydra else "Registered", p.hydra, 7.5])
        if p.staff in ("00417", "06001"):
            rows.append([p.staff, p.name, p.email, p.unit, p.role,
                         "Information Security Awareness 2026", "Online Class", "Completed",
                         _d("2026-02-02"), 0.5])
    write_sheets("cornerstone-transcript.xlsx", {"Transcript": rows})
    return el_facts() + hydra_facts()


def successfactors_learning_history() -> list[Fact]:
    """SAP SuccessFactors Learning history: items of several types, "COMPLETE" statuses."""
    rows: list[list[object]] = [["User ID", "Last Name", "First Name", "Item Type", "Item ID",
                                 "Revision Date", "Item Title", "Completion Date", "Status",
                                 "Total Hours"]]
    for p, m, day in _el_rows():
        if day:
            rows.append([p.staff, p.surname, p.forename, "ELEARN", f"COP-OIC-0{m[-1]}",
                         "01/06/2024", SHORT_TITLES[m], f"{day:%d/%m/%Y} 10:30 GMT",
                         "COMPLETE", "0.75"])
    for p in PEOPLE:
        if p.hydra:
            rows.append([p.staff, p.surname, p.forename, "ILT", "OIC-HYDRA-01", "01/01/2024",
                         HYDRA_TITLE, f"{p.hydra:%d/%m/%Y} 16:00 GMT", "ATTENDED", "7.5"])
        if p.hydra_dna:
            rows.append([p.staff, p.surname, p.forename, "ILT", "OIC-HYDRA-01", "01/01/2024",
                         HYDRA_TITLE, f"{p.hydra_dna:%d/%m/%Y} 16:00 GMT", "NO SHOW", "0"])
    write_csv("successfactors-learning-history.csv", rows)
    return el_facts() + hydra_facts()


def docebo_user_course_report() -> list[Fact]:
    """Docebo "Users - Courses" report: username is the e-mail's local part."""
    rows: list[list[object]] = [["Username", "First Name", "Last Name", "Email", "Branch Name",
                                 "Course Code", "Course Name", "Course Type",
                                 "Enrollment Date", "Completion Date", "Status", "Score"]]
    for p, m, day in _el_rows():
        enrolled = at((day or p.el_from or AS_OF) - dt.timedelta(days=10), 8, 0)
        rows.append([p.username, p.forename, p.surname, p.email, p.unit, f"OIC-0{m[-1]}",
                     SHORT_TITLES[m], "E-Learning", f"{enrolled:%Y-%m-%d %H:%M:%S}",
                     f"{at(day, 15, 45):%Y-%m-%d %H:%M:%S}" if day else "",
                     "Completed" if day else "In Progress", "85" if day else ""])
    for first, last, _, email in LMS_ONLY:
        rows.append([email.split("@")[0], first, last, email, "", "OIC-01",
                     SHORT_TITLES["el1"], "E-Learning", "2025-05-01 08:00:00",
                     "2025-05-03 10:00:00", "Completed", "90"])
    write_csv("docebo-user-course-report.csv", rows)
    return el_facts()


def ncalt_mle_learner_report() -> list[Fact]:
    """NCALT managed learning environment learner report: Windows-1252, a footer line."""
    titles = {m: f"Organised Immigration Crime (OIC) Module {m[-1]}" for m in EL}
    rows: list[list[object]] = [["Surname", "Forename", "Pers No", "Collar No",
                                 "Organisation", "Course Title", "Status", "Date Completed"]]
    for p, m, day in _el_rows():
        rows.append([p.surname, p.forename, p.staff, p.collar or "",
                     f"Avon and Somerset Constabulary/{p.unit}", titles[m],
                     ("Passed" if m == "el4" else "Completed") if day else "Incomplete",
                     uk(day)])
        if p.staff == "01017" and day:  # the same learner twice
            rows.append(rows[-1])
    rows.append([f"Total records: {len(rows) - 1}"])
    write_csv("ncalt-mle-learner-report.csv", rows, encoding="cp1252")
    return el_facts()


def kallidus_learn_course_status() -> list[Fact]:
    """Kallidus Learn course status report saved by European Excel: BOM, semicolons."""
    titles = {m: f"Organised Immigration Crime: Module {m[-1]}" for m in EL}
    rows: list[list[object]] = [["Employee Ref", "First Name", "Surname", "Email Address",
                                 "Course Title", "Course Status", "Date Completed"]]
    for p, m, day in _el_rows():
        rows.append([p.staff, p.forename, p.surname, p.email, titles[m],
                     "Completed" if day else "In Progress", uk(day)])
    write_csv("kallidus-learn-course-status.csv", rows, encoding="utf-8-sig", delimiter=";")
    return el_facts()


# ----------------------------------------------------------------------------- Hydra

OWN_FORCE = ["Avon & Somerset", "A&S", "ASC", "Avon and Somerset"]


def _delegates(session: dt.date) -> list[tuple[Person | Stranger, bool]]:
    ours: list[tuple[Person | Stranger, bool]] = [
        (p, True) for p in PEOPLE if p.hydra == session]
    ours += [(p, False) for p in PEOPLE if p.hydra_dna == session]
    return ours + [(s, True) for s in VISITORS[session]]


def _force(d: Person | Stranger, i: int) -> str:
    return d.force if isinstance(d, Stranger) else OWN_FORCE[i % len(OWN_FORCE)]


def _number(d: Person | Stranger, staff: bool = False) -> str:
    if isinstance(d, Stranger):
        return d.number
    return d.staff if staff else d.collar or d.staff


def hydra_trainer_register() -> list[Fact]:
    """The trainer's workbook: a title block, one sheet per session, ticks and crosses."""
    sheets: dict[str, list[list[object]]] = {}
    for session in HYDRA_SESSIONS:
        rows: list[list[object]] = [
            ["Operation Hydra - OIC Immersive Learning Exercise"],
            ["Venue: Hydra Suite, Police HQ Portishead", None, None, "Lead trainer: J. Mason"],
            [f"Date: {session:%d %B %Y}"],
            [],
            ["Synd.", "Delegate Name", "Rank", "Shoulder No.", "Home Force", "Dept / Station",
             "Attended (✓/✗)"],
        ]
        for i, (d, came) in enumerate(_delegates(session)):
            rows.append([1 + i // 4, d.name, d.rank, _number(d), _force(d, i), d.unit,
                         "✓" if came else "✗"])
        rows += [[], [None, f"Total delegates: {len(rows) - 5}"]]
        sheets[f"{session:%d.%m.%y}"] = rows
    sheets["Notes"] = [["Delegates must bring warrant cards."], ["Syndicates of 4-7."]]
    write_sheets("hydra-trainer-register.xlsx", sheets)
    return hydra_facts()


def hydra_register_payroll_ref() -> list[Fact]:
    """One sheet for all sessions: the course date as a date cell, a text, or a serial."""
    rows: list[list[object]] = [
        ["Hydra OIC exercise - delegate register 2025/26"], [],
        ["Course Date", "Venue", "Syndicate", "Surname", "First Name", "Payroll Ref", "Rank",
         "Force", "Attended"]]
    for k, session in enumerate(HYDRA_SESSIONS):
        shown: object = (session, uk(session), (session - dt.date(1899, 12, 30)).days,
                         session)[k]
        for i, (d, came) in enumerate(_delegates(session)):
            first, _, last = d.name.partition(" ")
            rows.append([shown, "Portishead", 1 + i % 2, last, first,
                         _number(d, staff=True), d.rank, _force(d, i), "✔" if came else "X"])
    write_sheets("hydra-register-payroll-ref.xlsx", {"Register": rows})
    return hydra_facts()


def hydra_sign_in_sheet() -> list[Fact]:
    """One session's sign-in sheet typed up as CSV: attended Y/N, collar or staff no."""
    session = H2
    rows: list[list[object]] = [["Hydra OIC Exercise - Sign-in Sheet"],
                                [f"Date: {uk(session)}", "", "Venue: Portishead"], [],
                                ["Name (print)", "Collar / Staff No", "Force", "Dept",
                                 "Attended Y/N", "Signature"]]
    for i, (d, came) in enumerate(_delegates(session)):
        rows.append([d.name, _number(d, staff=i % 2 == 1), _force(d, i), d.unit,
                     "Y" if came else "N", "signed" if came else ""])
    write_csv("hydra-sign-in-sheet.csv", rows)
    return hydra_facts([session])


def hydra_delegate_list_by_force() -> list[Fact]:
    """One sheet, delegates of all sessions, outcomes in words."""
    rows: list[list[object]] = [["HYDRA - ORGANISED IMMIGRATION CRIME"],
                                ["Delegate list (all forces)"], [],
                                ["Date", "Delegate", "Warrant No", "Rank", "Force", "BCU/Dept",
                                 "Syndicate", "Outcome"]]
    for session in HYDRA_SESSIONS:
        for i, (d, came) in enumerate(_delegates(session)):
            rows.append([session, d.name, _number(d), d.rank, _force(d, i), d.unit,
                         f"Syndicate {1 + i % 2}", "Attended" if came else "DNA"])
    write_sheets("hydra-delegate-list-by-force.xlsx", {"Delegates": rows})
    return hydra_facts()


# ----------------------------------------------------------------------------- the manifest

ROSTERS: dict[str, Callable[[], bool]] = {
    "oracle-hr-establishment.xlsx": oracle_hr_establishment,
    "oracle-ebs-people-surname-forename.xlsx": oracle_ebs_surname_forename,
    "sap-methr-roster.xlsx": sap_methr_roster,
    "itrent-roster.csv": itrent_roster,
    "resourcelink-roster.csv": resourcelink_roster,
    "origin-duty-roster.csv": origin_duty_roster,
    "crown-duty-planning-semicolon.csv": crown_duty_planning,
}
# completion layout -> (its writer, the roster layout imported before it)
COMPLETIONS: dict[str, tuple[Callable[[], list[Fact]], str]] = {
    "totara-report-builder.xlsx": (totara_report_builder_xlsx, "oracle-hr-establishment.xlsx"),
    "totara-report-builder.csv": (totara_report_builder_csv, "itrent-roster.csv"),
    "totara-report-builder-csv-excel.csv": (totara_report_builder_csv_excel,
                                            "oracle-hr-establishment.xlsx"),
    "totara-completion-upload.csv": (totara_completion_upload, "sap-methr-roster.xlsx"),
    "moodle-course-completion.csv": (moodle_course_completion_csv, "itrent-roster.csv"),
    "moodle-course-completion-excel.txt": (moodle_course_completion_excel,
                                           "oracle-hr-establishment.xlsx"),
    "moodle-course-completion-en-us.csv": (moodle_course_completion_en_us,
                                           "resourcelink-roster.csv"),
    "moodle-activity-completion.csv": (moodle_activity_completion_csv, "itrent-roster.csv"),
    "moodle-activity-completion-excel.txt": (moodle_activity_completion_excel,
                                             "origin-duty-roster.csv"),
    "moodle-custom-report.csv": (moodle_custom_report, "itrent-roster.csv"),
    "cornerstone-transcript.xlsx": (cornerstone_transcript,
                                    "oracle-ebs-people-surname-forename.xlsx"),
    "successfactors-learning-history.csv": (successfactors_learning_history,
                                            "sap-methr-roster.xlsx"),
    "docebo-user-course-report.csv": (docebo_user_course_report, "itrent-roster.csv"),
    "ncalt-mle-learner-report.csv": (ncalt_mle_learner_report, "origin-duty-roster.csv"),
    "kallidus-learn-course-status.csv": (kallidus_learn_course_status,
                                         "resourcelink-roster.csv"),
    "hydra-trainer-register.xlsx": (hydra_trainer_register, "origin-duty-roster.csv"),
    "hydra-register-payroll-ref.xlsx": (hydra_register_payroll_ref, "resourcelink-roster.csv"),
    "hydra-sign-in-sheet.csv": (hydra_sign_in_sheet, "crown-duty-planning-semicolon.csv"),
    "hydra-delegate-list-by-force.xlsx": (hydra_delegate_list_by_force,
                                          "sap-methr-roster.xlsx"),
}


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return '"none"'
    if isinstance(value, int | float):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def manifest(cases: dict[str, tuple[str, list[Fact]]], leavers_in: dict[str, bool]) -> str:
    lines = ["# Written by tests/data/make_zoo.py: do not edit by hand.",
             "# Each case: the roster layout imported first, then the completion layout, then",
             f"# `tracker coverage --as-of {AS_OF} --force {FORCE} --format json` must give",
             "# exactly the rows below (worked out from the truth by the rules, by hand).",
             f'as_of = "{AS_OF}"', f'today = "{TODAY}"', f'force = "{FORCE}"', ""]
    for name, (roster, facts) in cases.items():
        lines += ["[[case]]", f"layout = {_toml(name)}", f"roster = {_toml(roster)}",
                  f"roster_lists_leaver = {_toml(leavers_in[roster])}"]
        for row in expected(facts):
            lines.append("[[case.expected]]")
            lines += [f"{k} = {_toml(v)}" for k, v in row.items() if v is not None]
        lines.append("")
    for name in ROSTERS:  # each roster also stands alone: nobody has completed anything
        lines += ["[[roster]]", f"layout = {_toml(name)}",
                  f"lists_leaver = {_toml(leavers_in[name])}"]
        for row in expected([]):
            lines.append("[[roster.expected]]")
            lines += [f"{k} = {_toml(v)}" for k, v in row.items() if v is not None]
        lines.append("")
    for p in PEOPLE:  # who is on the roster on the coverage date, for the unmatched check
        lines += ["[[person]]", f"staff = {_toml(p.staff)}", f"collar = {_toml(p.collar)}",
                  f"name = {_toml(p.name)}", f"email = {_toml(p.email)}",
                  f"on_roster = {_toml(p in CURRENT)}", ""]
    return "\n".join(lines)


def main() -> None:
    ZOO.mkdir(exist_ok=True)
    leavers_in = {name: write() for name, write in ROSTERS.items()}
    cases = {name: (roster, write()) for name, (write, roster) in COMPLETIONS.items()}
    (ZOO / "manifest.toml").write_text(manifest(cases, leavers_in), encoding="utf-8")
    print(f"wrote {len(ROSTERS) + len(COMPLETIONS)} layouts and manifest.toml to {ZOO}")


if __name__ == "__main__":
    main()

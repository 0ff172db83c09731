"""The raw material of a synthetic force: names, ranks as HR writes them, units, courses.

Every HR-style value here is checked against the tracker's vocabularies by the tests: each
maps to its intended canonical value, except the ones planted as unmappable.
"""

from __future__ import annotations

# Workforce mix of a force like Avon and Somerset (about 6,500 people).
WORKFORCE_SHARES = {
    "police_officer": 3300 / 6500,
    "police_staff": 2700 / 6500,
    "pcso": 280 / 6500,
    "special_constable": 220 / 6500,
}
WORKFORCE_RAW = {
    "police_officer": "Police Officer",
    "police_staff": "Police Staff",
    "pcso": "PCSO",
    "special_constable": "Special Constable",
}

# Officer rank pyramid (shares of officers); three chief officers are added on top.
OFFICER_PYRAMID = {
    "constable": 0.75,
    "sergeant": 0.17,
    "inspector": 0.05,
    "chief-inspector": 0.015,
    "superintendent": 0.0105,
    "chief-superintendent": 0.0045,
}
CHIEF_OFFICERS = ["assistant-chief-constable", "deputy-chief-constable", "chief-constable"]
SPECIAL_PYRAMID = {
    "special-constable": 0.85,
    "special-sergeant": 0.10,
    "special-inspector": 0.04,
    "special-chief-inspector": 0.01,
}

# (rank, detective) -> raw spellings and their weights, as HR exports write them.
RANK_RAW: dict[tuple[str, bool], dict[str, float]] = {
    ("constable", False): {"PC": 0.9, "Police Constable": 0.05, "PC (Probationer)": 0.05},
    ("constable", True): {"DC": 0.9, "TDC": 0.1},
    ("sergeant", False): {"PS": 0.6, "Sgt": 0.4},
    ("sergeant", True): {"DS": 0.9, "Det Sgt": 0.1},
    ("inspector", False): {"Insp": 0.85, "A/Insp": 0.1, "Inspector": 0.05},
    ("inspector", True): {"DI": 0.8, "T/DI": 0.2},
    ("chief-inspector", False): {"Ch Insp": 0.7, "CI": 0.3},
    ("chief-inspector", True): {"DCI": 1.0},
    ("superintendent", False): {"Supt": 1.0},
    ("superintendent", True): {"Det Supt": 1.0},
    ("chief-superintendent", False): {"Ch Supt": 1.0},
    ("chief-superintendent", True): {"Det Ch Supt": 1.0},
    ("assistant-chief-constable", False): {"ACC": 1.0},
    ("deputy-chief-constable", False): {"DCC": 1.0},
    ("chief-constable", False): {"CC": 1.0},
    ("special-constable", False): {"Special Constable": 0.8, "SC": 0.2},
    ("special-sergeant", False): {"Special Sergeant": 1.0},
    ("special-inspector", False): {"Special Inspector": 1.0},
    ("special-chief-inspector", False): {"Special Chief Inspector": 1.0},
    ("pcso", False): {"PCSO": 1.0},
    ("staff", False): {"Scale 3": 0.2, "Scale 4": 0.25, "Scale 5": 0.15, "Scale 6": 0.1,
                       "SO1": 0.1, "SO2": 0.07, "PO1": 0.06, "PO2": 0.05, "PO3": 0.02},
}
RANK_ORDER = {
    "constable": 1, "sergeant": 2, "inspector": 3, "chief-inspector": 4, "superintendent": 5,
    "chief-superintendent": 6, "assistant-chief-constable": 7, "deputy-chief-constable": 8,
    "chief-constable": 9, "special-constable": 1, "special-sergeant": 2, "special-inspector": 3,
    "special-chief-inspector": 4, "pcso": 0, "staff": 0,
}
STAFF_GRADE_LEVEL = {"SO1": 1, "SO2": 1, "PO1": 2, "PO2": 2, "PO3": 3}

# Function -> unit templates ("{area}" is filled with one of the force's areas).
UNITS: dict[str, list[str]] = {
    "response": ["Response - {area}", "Patrol {area}", "IRT {area}"],
    "neighbourhood": ["NPT {area}", "Neighbourhood - {area}"],
    "cid": ["CID {area}", "Major Crime Investigation Team", "Investigations - {area}"],
    "roads-policing": ["RPU Portishead", "Roads Policing Unit - {area}"],
    "control-room": ["Force Control Room", "Communications - Call Handling"],
    "custody": ["Custody Keynsham", "Custody Patchway", "Custody Bridgwater"],
    "public-protection": ["Public Protection Unit", "Safeguarding - {area}",
                          "Lighthouse Safeguarding Unit"],
    "intelligence": ["Force Intelligence Bureau", "Intelligence - {area}"],
    "operations": ["Operational Support - Firearms", "Dogs Section", "Tactical Support Group"],
    "training": ["Learning and Development", "Recruitment"],
    "corporate": ["Finance", "HR Services", "IT Services", "Estates", "Fleet Management",
                  "Professional Standards", "Corporate Communications", "Legal Services"],
}
COMMAND_TEAM_UNIT = "Command Team"
SPECIALS_UNITS = {"response": "Specials - Response {area}", "neighbourhood": "NPT Specials {area}"}
UNMAPPED_UNITS = ["Op Harbour Taskforce", "Change Programme Office"]
AREAS = {
    "avon-and-somerset": ["Bristol North", "Bristol South", "Bristol East", "Bath",
                          "Weston-super-Mare", "Taunton", "Yeovil", "Bridgwater", "Keynsham",
                          "Frome", "Minehead"],
}
GENERIC_AREAS = ["North", "South", "East", "West", "Central", "City", "Coast", "Rural"]

# Function weights by population group.
DEPT_WEIGHTS: dict[str, dict[str, float]] = {
    "constable": {"response": 0.42, "neighbourhood": 0.17, "cid": 0.13, "roads-policing": 0.05,
                  "control-room": 0.02, "custody": 0.03, "public-protection": 0.08,
                  "intelligence": 0.03, "operations": 0.05, "training": 0.01, "corporate": 0.01},
    "sergeant": {"response": 0.35, "neighbourhood": 0.16, "cid": 0.15, "roads-policing": 0.05,
                 "control-room": 0.05, "custody": 0.07, "public-protection": 0.07,
                 "intelligence": 0.03, "operations": 0.04, "training": 0.02, "corporate": 0.01},
    "inspector": {"response": 0.28, "neighbourhood": 0.17, "cid": 0.14, "roads-policing": 0.05,
                  "control-room": 0.08, "custody": 0.06, "public-protection": 0.07,
                  "intelligence": 0.04, "operations": 0.05, "training": 0.03, "corporate": 0.03},
    "senior": {"response": 0.15, "neighbourhood": 0.2, "cid": 0.2, "roads-policing": 0.05,
               "control-room": 0.05, "custody": 0.05, "public-protection": 0.1,
               "intelligence": 0.05, "operations": 0.05, "corporate": 0.1},
    "staff": {"control-room": 0.2, "custody": 0.08, "cid": 0.08, "public-protection": 0.06,
              "intelligence": 0.08, "corporate": 0.35, "training": 0.05, "operations": 0.05,
              "neighbourhood": 0.03, "response": 0.02},
    "pcso": {"neighbourhood": 1.0},
    "special": {"response": 0.5, "neighbourhood": 0.5},
}
DETECTIVE_FUNCTIONS = {"cid": 0.9, "public-protection": 0.75, "intelligence": 0.5}
STAFF_ROLES = {
    "control-room": "Call Handler", "custody": "Detention Officer",
    "cid": "Police Staff Investigator", "public-protection": "Safeguarding Officer",
    "intelligence": "Analyst", "corporate": "Business Support Officer", "training": "Trainer",
    "operations": "Operations Planner", "neighbourhood": "Neighbourhood Support Officer",
    "response": "Admin Officer",
}

FORENAMES = [
    "James", "Oliver", "Jack", "Harry", "George", "Thomas", "William", "Daniel", "Matthew",
    "Samuel", "Joseph", "Benjamin", "Luke", "Adam", "Ryan", "Michael", "David", "Mark", "Paul",
    "Richard", "Andrew", "Christopher", "Stephen", "Craig", "Gareth", "Dafydd", "Rhys", "Owain",
    "Seán", "Ciarán", "José", "Mohammed", "Ali", "Imran", "Tomasz", "Kwame", "Wei",
    "Olivia", "Amelia", "Emily", "Sophie", "Jessica", "Charlotte", "Hannah", "Lucy", "Laura",
    "Sarah", "Rebecca", "Emma", "Katie", "Rachel", "Claire", "Nicola", "Helen", "Joanne",
    "Zoë", "Siân", "Chloé", "Renée", "Aoife", "Niamh", "Rhiannon", "Bethan", "Priya", "Aisha",
    "Fatima", "Agnieszka", "Mary Anne", "Anne-Marie", "Jo", "Sam", "Alex",
]
SURNAMES = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
    "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Ahmed",
    "O'Brien", "O'Connor", "O'Neill", "D'Souza", "McDonald", "MacLeod", "Ní Bhriain",
    "Nowak", "Kowalski", "Smith-Jones", "Ap Rhys", "Muñoz", "Brontë", "Lefèvre",
]
ACCENTED_PAIR = ("Zoë", "O'Brien")
ACCENTED_PAIR_2 = ("Siân", "Ní Bhriain")

# Courses as the exports title them.
LMS_TITLES = {  # long LMS export (NCALT style)
    "oic-el-1": "OIC Module 1",
    "oic-el-2": "OIC Module 2",
    "oic-el-3": "OIC Module 3",
    "oic-el-4": "OIC Module 4",
}
MOODLE_TITLES = {  # the force's Moodle course activities
    "oic-el-1": "Organised Immigration Crime - Module 1: Understanding organised immigration crime",
    "oic-el-2": "Organised Immigration Crime - Module 2: Identifying and responding to OIC",
    "oic-el-3": "Organised Immigration Crime - Module 3: Investigating OIC",
    "oic-el-4": "Organised Immigration Crime - Module 4: Safeguarding victims and partners",
}
OTHER_COURSES = [
    "Fire Safety Awareness", "Information Security 2025", "Data Protection (GDPR) Refresher",
    "Equality, Diversity and Inclusion", "Personal Safety Training Refresher",
]
UNMAPPABLE_OIC_TITLE = "Organised Immigration Crime - Introduction (legacy)"
MODULE_CODES = ["oic-el-1", "oic-el-2", "oic-el-3", "oic-el-4"]

# Approximate workforce headcount of the 43 Home Office forces (thousands; used as weights).
FORCE_WEIGHTS = {
    "metropolitan": 46.0, "greater-manchester": 12.5, "west-midlands": 12.0,
    "west-yorkshire": 10.0, "thames-valley": 8.5, "merseyside": 7.0, "kent": 7.0,
    "hampshire": 7.0, "avon-and-somerset": 6.5, "essex": 6.5, "lancashire": 6.0,
    "northumbria": 6.0, "devon-and-cornwall": 6.0, "south-yorkshire": 5.5, "sussex": 5.5,
    "south-wales": 5.5, "west-mercia": 4.5, "surrey": 4.0, "hertfordshire": 4.0,
    "nottinghamshire": 4.0, "leicestershire": 3.8, "cheshire": 3.8, "humberside": 3.8,
    "derbyshire": 3.5, "staffordshire": 3.3, "norfolk": 3.2, "north-yorkshire": 3.0,
    "cambridgeshire": 2.8, "north-wales": 2.6, "northamptonshire": 2.5, "dorset": 2.5,
    "cleveland": 2.4, "bedfordshire": 2.4, "suffolk": 2.3, "gwent": 2.3, "durham": 2.2,
    "wiltshire": 2.1, "dyfed-powys": 2.1, "cumbria": 2.0, "lincolnshire": 2.0,
    "gloucestershire": 2.0, "warwickshire": 1.7, "city-of-london": 1.3,
}
NEIGHBOURS = {
    "avon-and-somerset": {"wiltshire": ["Wiltshire Police", "Wilts"],
                          "gloucestershire": ["Glos", "Gloucestershire Constabulary"],
                          "devon-and-cornwall": ["Devon & Cornwall", "D&C"],
                          "dorset": ["Dorset Police"]},
}
HOME_FORCE_FORMS = {"avon-and-somerset": ["Avon & Somerset", "A&S", "ASC",
                                          "Avon and Somerset Constabulary"]}
EMAIL_DOMAINS = {"avon-and-somerset": "avonandsomerset.police.uk"}
TRAINERS = ["DS Jo Marsh", "Insp Rob Kerr", "Sgt Amy Lund"]

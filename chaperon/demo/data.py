"""A fictional school. Every name, address and number here is invented."""

from datetime import date

from chaperon.governance.models import Post
from chaperon.people.roles import Role, TrustRole

ORGANISATION_NAME = "Larkspur Community School"
ORGANISATION_SLUG = "larkspur-demo"
ORGANISATION_POSTCODE = "ZZ99 4LK"
EMAIL_DOMAIN = "larkspur.example"
PASSWORD = "larkspur-demo-password"  # noqa: S105 (printed for the local demo)

# (name, email local part, roles, job title, months since DBS check, months since training,
#  months since acceptable-use agreement); None = not recorded.
STAFF: list[tuple[str, str, list[str], str, int | None, int | None, int | None]] = [
    (
        "Priya Hollins",
        "dsl",
        [Role.DSL, Role.SENIOR_LEADER],
        "Designated Safeguarding Lead",
        20,
        3,
        3,
    ),
    ("Marcus Threlfall", "deputy", [Role.DEPUTY_DSL], "Deputy DSL", 30, 11, 4),
    ("Helen Okafor", "head", [Role.SENIOR_LEADER], "Headteacher", 14, 6, 6),
    ("Tom Ashdown", "teacher1", [Role.TEACHER], "Teacher of English", 8, 2, 2),
    ("Grace Penhaligon", "teacher2", [Role.TEACHER], "Teacher of Science", 37, 14, 2),
    ("Sunil Varma", "adviser", [Role.TEACHER], "Careers adviser", 12, None, 5),
    ("Ruth Calloway", "office", [Role.ADMINISTRATOR], "School business manager", 24, 7, 7),
    ("Jonah Fairweather", "ict", [Role.ICT], "Network manager", 18, 9, 9),
    ("Alma Rookwood", "governor", [Role.BOARD], "Safeguarding governor", 26, 10, 10),
]

# The safeguarding team's posts (ORG-1), by the sign-in name of the member of staff.
TEAM_POSTS: list[tuple[str, Post]] = [
    ("governor", Post.CHAMPION),
    ("dsl", Post.ONLINE_SAFETY_GROUP),
    ("head", Post.ONLINE_SAFETY_GROUP),
    ("ict", Post.ONLINE_SAFETY_GROUP),
    ("ict", Post.ICT_LEAD),
]
# What the contacts page publishes for them (fictional numbers).
PUBLISHED_CONTACTS = [
    ("dsl", "Telephone 01632 960000, extension 201 (08:30 to 17:00)"),
    ("deputy", "Telephone 01632 960000, extension 202 (08:30 to 17:00)"),
]

# (first name, last name, date of birth, year group, adult at risk)
LEARNERS: list[tuple[str, str, date, str, bool]] = [
    ("Amelia", "Brightwater", date(2014, 10, 3), "Year 7", False),
    ("Oscar", "Brightwater", date(2012, 2, 19), "Year 9", False),
    ("Leah", "Cordwainer", date(2014, 6, 30), "Year 7", False),
    ("Noah", "Dunmore", date(2013, 12, 11), "Year 8", False),
    ("Isla", "Ebbington", date(2013, 4, 25), "Year 8", False),
    ("Zain", "Farrow", date(2012, 8, 7), "Year 9", False),
    ("Maya", "Greenhalgh", date(2011, 11, 14), "Year 10", False),
    ("Elijah", "Hartigan", date(2011, 3, 2), "Year 10", False),
    ("Freya", "Ingleby", date(2010, 9, 28), "Year 11", False),
    ("Kofi", "Jessop", date(2010, 1, 16), "Year 11", False),
    ("Ruby", "Kettlewell", date(2009, 7, 9), "Year 12", False),
    ("Idris", "Lowther", date(2009, 5, 21), "Year 12", False),
    ("Poppy", "Marchbank", date(2008, 12, 30), "Year 13", False),
    ("Ethan", "Netherwood", date(2008, 2, 4), "Year 13", False),
    ("Sofia", "Oakenshaw", date(2008, 9, 12), "Year 13", False),
    ("Reuben", "Pendlebury", date(2007, 6, 1), "Sixth form (SEND)", True),
    ("Hana", "Quarrington", date(2006, 3, 17), "Sixth form (SEND)", True),
    ("Callum", "Redfern", date(2013, 7, 8), "Year 8", False),
    ("Aisha", "Sowerby", date(2012, 11, 23), "Year 9", False),
    ("Luca", "Thistlethwaite", date(2011, 6, 5), "Year 10", False),
]

# (full name, email or "", phone, preferred contact, [(learner index, relationship, PR)])
GUARDIANS: list[tuple[str, str, str, str, list[tuple[int, str, bool]]]] = [
    (
        "Claire Brightwater",
        "claire.b",
        "07700 900101",
        "email",
        [(0, "mother", True), (1, "mother", True)],
    ),
    (
        "Daniel Brightwater",
        "dan.b",
        "07700 900102",
        "phone",
        [(0, "father", True), (1, "father", True)],
    ),
    ("Yvonne Cordwainer", "y.cordwainer", "07700 900103", "email", [(2, "mother", True)]),
    ("Peter Dunmore", "pdunmore", "07700 900104", "email", [(3, "father", True)]),
    ("Mina Ebbington", "mina.e", "07700 900105", "sms", [(4, "mother", True)]),
    ("Rashid Farrow", "rfarrow", "07700 900106", "email", [(5, "father", True)]),
    ("Lorraine Greenhalgh", "", "07700 900107", "phone", [(6, "grandparent", False)]),
    ("Seamus Hartigan", "s.hartigan", "07700 900108", "email", [(7, "father", True)]),
    ("Beth Ingleby", "bethingleby", "07700 900109", "email", [(8, "mother", True)]),
    ("Ama Jessop", "ama.jessop", "07700 900110", "email", [(9, "mother", True)]),
    ("Colin Kettlewell", "ckettlewell", "07700 900111", "email", [(10, "step_parent", False)]),
    ("Nadia Kettlewell", "nkettlewell", "07700 900112", "email", [(10, "mother", True)]),
    ("Gareth Lowther", "glowther", "07700 900113", "email", [(11, "father", True)]),
    ("Fiona Marchbank", "fmarchbank", "07700 900114", "email", [(12, "mother", True)]),
    ("Oliver Netherwood", "onetherwood", "07700 900115", "email", [(13, "father", True)]),
    ("Teresa Oakenshaw", "toakenshaw", "07700 900116", "email", [(14, "foster_carer", False)]),
    ("Janet Pendlebury", "jpendlebury", "07700 900117", "email", [(15, "carer", False)]),
    ("Wilf Quarrington", "wquarrington", "07700 900118", "phone", [(16, "parent", False)]),
    ("Elaine Redfern", "eredfern", "07700 900119", "email", [(17, "mother", True)]),
    ("Tariq Sowerby", "tsowerby", "07700 900120", "email", [(18, "father", True)]),
    ("Greta Thistlethwaite", "gthistle", "07700 900121", "email", [(19, "mother", True)]),
]

# A small fictional trust: the demo school and two tiny schools with a few staff each and no
# learners, so that the trust overview has more than one row.
TRUST_NAME = "Larkspur Learning Trust"
TRUST_SLUG = "larkspur-trust"
# (email local part at the demo school, trust role)
TRUST_MEMBERS: list[tuple[str, str]] = [
    ("dsl", TrustRole.TRUST_DSL),
    ("governor", TrustRole.TRUST_BOARD),
]
# (name, slug, postcode, email domain, [(name, email local part, roles, job title)])
TRUST_SCHOOLS: list[tuple[str, str, str, str, list[tuple[str, str, list[str], str]]]] = [
    (
        "Foxglove Primary School",
        "foxglove-demo",
        "ZZ99 7FP",
        "foxglove.example",
        [
            ("Nell Ashworth", "n.ashworth", [Role.DSL, Role.SENIOR_LEADER], "Headteacher and DSL"),
            ("Owen Brackley", "o.brackley", [Role.TEACHER], "Class teacher"),
        ],
    ),
    (
        "Tansy Brook Academy",
        "tansy-brook-demo",
        "ZZ99 2TB",
        "tansybrook.example",
        [
            ("Iris Mallory", "i.mallory", [Role.DSL], "Designated Safeguarding Lead"),
            ("Felix Ormerod", "f.ormerod", [Role.TEACHER], "Teacher of Maths"),
        ],
    ),
]

# Filtering and monitoring (ORG-5), by the sign-in name of the member of staff: who imports the
# web filter's report and records the checks, and who made the last yearly review.
FILTERING_CHECKED_BY = "ict"
FILTERING_REVIEWED_BY = "dsl"

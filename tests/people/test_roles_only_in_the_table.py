"""Every role named anywhere in the code comes from the one table, ``chaperon/people/roles.py``.

Code asks for a permission (``can(user, Permission.BOOK_SESSIONS)``, ``may.book_sessions`` in a
template) rather than naming roles, so that who may do what is decided in one place. This scans
the source for what would bypass the table: a string equal to a role's stored value
(``"dsl"``), or a member of ``Role`` (``Role.DSL``), anywhere outside the table; and a
permission of the table that nothing asks for.
"""

import ast
import re
from pathlib import Path

from chaperon.people.roles import (
    Permission,
    Role,
    TrustPermission,
    TrustRole,
    roles_that_may_be_given,
)
from chaperon.policy.engine.describe import APPROVER_WORDS
from chaperon.policy.engine.document import APPROVER_ROLES

ROOT = Path(__file__).resolve().parents[2]
CODE = ROOT / "chaperon"
TABLE = "chaperon/people/roles.py"
# A trust's roles (``TrustRole``) are roles of the table as well.
ROLE_VALUES = {role.value for role in Role} | {role.value for role in TrustRole}
ROLE_MEMBERS = set(Role.__members__) | set(TrustRole.__members__)
ROLE_CLASSES = {"Role", "TrustRole"}
TEMPLATE_ROLE = re.compile("['\"](" + "|".join(sorted(ROLE_VALUES)) + ")['\"]")
TEMPLATE_MAY = re.compile(r"\bmay\.([a-z_]+)")

# Where the code names a role anyway, and why: (file, what is named).
ALLOWED = {
    # The demo school's fictional people are given their roles.
    ("chaperon/demo/data.py", "Role.ADMINISTRATOR"),
    ("chaperon/demo/data.py", "Role.BOARD"),
    ("chaperon/demo/data.py", "Role.DEPUTY_DSL"),
    ("chaperon/demo/data.py", "Role.DSL"),
    ("chaperon/demo/data.py", "Role.ICT"),
    ("chaperon/demo/data.py", "Role.SENIOR_LEADER"),
    ("chaperon/demo/data.py", "Role.TEACHER"),
    ("chaperon/demo/data.py", "TrustRole.TRUST_BOARD"),
    ("chaperon/demo/data.py", "TrustRole.TRUST_DSL"),
    # The demo DSL's sign-in name (dsl@…), not a role; the demo network manager's is ict@….
    ("chaperon/demo/data.py", "'dsl'"),
    ("chaperon/demo/data.py", "'ict'"),
    # The policy engine may import nothing of Chaperon (import-linter's "engine" contract): the
    # roles a policy may name as exception approvers, and their words, are its own, held to the
    # table by test_the_policy_engine_names_the_approvers_the_table_allows below.
    ("chaperon/policy/engine/document.py", "'slt'"),
    ("chaperon/policy/engine/document.py", "'dsl'"),
    ("chaperon/policy/engine/document.py", "'deputy_dsl'"),
    ("chaperon/policy/engine/describe.py", "'slt'"),
    ("chaperon/policy/engine/describe.py", "'dsl'"),
    ("chaperon/policy/engine/describe.py", "'deputy_dsl'"),
    # Janus's configuration files name their Admin API's section "admin": not a role.
    ("chaperon/core/janus_config.py", "'admin'"),
    # A class member's part in the class (teaching it or learning in it), and OneRoster's own
    # word for it in an export: not a staff role.
    ("chaperon/people/models.py", "'teacher'"),
    ("chaperon/people/roster/parse.py", "'teacher'"),
    ("chaperon/people/roster/plan.py", "'teacher'"),
    # Staff new from an information system's export are given the least role; every other
    # role is given in Chaperon, never by a file.
    ("chaperon/people/roster/write.py", "Role.TEACHER"),
}


def _names_bound_to_role(tree: ast.Module) -> set[str]:
    """The names a module binds to ``Role`` or ``TrustRole`` of the table (``from ...roles
    import Role as R``)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] == "roles":
            names |= {
                alias.asname or alias.name for alias in node.names if alias.name in ROLE_CLASSES
            }
    return names


def _is_role_class(node: ast.expr, bound: set[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in bound
    # ``roles.Role`` or ``chaperon.people.roles.Role``, never ``Invitation.Role`` and the like.
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ROLE_CLASSES
        and isinstance(node.value, ast.Name | ast.Attribute)
        and ast.unparse(node.value).split(".")[-1] == "roles"
    )


def _member(name: str) -> str:
    return f"TrustRole.{name}" if name in TrustRole.__members__ else f"Role.{name}"


def _mentions(source: str) -> list[tuple[int, str, str]]:
    """(line, what is written, which role) for each place in ``source`` that names a role:
    ``R.DSL``, ``roles.Role.DSL`` and ``Role["DSL"]`` are all ``Role.DSL``."""
    tree = ast.parse(source)
    bound = _names_bound_to_role(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in ROLE_VALUES:
            found.append((node.lineno, repr(node.value), repr(node.value)))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ROLE_MEMBERS
            and _is_role_class(node.value, bound)
        ):
            found.append((node.lineno, ast.unparse(node), _member(node.attr)))
        elif (
            isinstance(node, ast.Subscript)
            and _is_role_class(node.value, bound)
            and isinstance(node.slice, ast.Constant)
            and node.slice.value in ROLE_MEMBERS
        ):
            found.append((node.lineno, ast.unparse(node), _member(node.slice.value)))
    return sorted(found)


def role_mentions(source: str) -> list[tuple[int, str]]:
    """Each place in ``source`` that names a role: (line, what is written there)."""
    return [(line, written) for line, written, _role in _mentions(source)]


def mentions_in(folder: Path) -> set[tuple[str, int, str]]:
    """Every role named under ``folder`` outside the table: (file, line, what)."""
    found = set()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(ROOT if folder.is_relative_to(ROOT) else folder).as_posix()
        if "migrations" in path.parts or relative == TABLE or not path.is_file():
            continue
        if path.suffix == ".py":
            for line, _written, role in _mentions(path.read_text(encoding="utf-8")):
                found.add((relative, line, role))
        elif path.suffix in {".html", ".txt", ".js"}:
            for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                found |= {(relative, number, m.group(0)) for m in TEMPLATE_ROLE.finditer(text)}
    return found


def test_no_role_is_named_outside_the_table() -> None:
    named = {(path, what) for path, _line, what in mentions_in(CODE)}
    unexpected = sorted(
        (path, line, what) for path, line, what in mentions_in(CODE) if (path, what) not in ALLOWED
    )
    assert unexpected == []
    # Every exception written above is still needed.
    assert named >= ALLOWED


def test_the_policy_engine_names_the_approvers_the_table_allows() -> None:
    approvers = roles_that_may_be_given(Permission.APPROVE_EXCEPTIONS)
    assert set(APPROVER_ROLES) == {role.value for role in approvers}
    assert set(APPROVER_WORDS) == set(APPROVER_ROLES)


def test_a_role_named_outside_the_table_is_found() -> None:
    planted = (
        "from chaperon.people.roles import Role as R\n"
        "from chaperon.people import roles\n"
        "from chaperon.sessions.models import Invitation\n"
        'HANDLERS = {R.DSL, "deputy_dsl", roles.Role.SENIOR_LEADER}\n'
        "BOTH = R['TEACHER'], Invitation.Role.STAFF, 'the DSL'\n"
        "from chaperon.people.roles import TrustRole as T\n"
        "TRUST = T.TRUST_DSL, 'trust_board'\n"
    )
    assert role_mentions(planted) == [
        (4, "'deputy_dsl'"),
        (4, "R.DSL"),
        (4, "roles.Role.SENIOR_LEADER"),
        (5, "R['TEACHER']"),
        (7, "'trust_board'"),
        (7, "T.TRUST_DSL"),
    ]


def test_a_planted_module_or_template_fails_the_scan(tmp_path: Path) -> None:
    (tmp_path / "views.py").write_text(
        "from .roles import Role\n\ndef may_hold(user):\n    return Role.DSL in user.roles\n",
        encoding="utf-8",
    )
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        "{% if role == 'slt' %}<p>For senior leaders</p>{% endif %}\n", encoding="utf-8"
    )
    assert mentions_in(tmp_path) == {
        ("views.py", 4, "Role.DSL"),
        ("templates/page.html", 1, "'slt'"),
    }


def _permissions_asked_for() -> set[str]:
    asked = set()
    for path in CODE.rglob("*"):
        if path.suffix == ".py" and path.relative_to(ROOT).as_posix() != TABLE:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            asked |= {
                node.attr
                for node in ast.walk(tree)
                if isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in {"Permission", "TrustPermission"}
            }
        elif path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            asked |= {match.upper() for match in TEMPLATE_MAY.findall(text)}
    return asked


def test_every_permission_of_the_table_is_asked_for_and_every_one_asked_for_exists() -> None:
    asked = _permissions_asked_for()
    members = set(Permission.__members__) | set(TrustPermission.__members__)
    assert members - asked == set()
    assert asked - members == set()

import pyotp
import pytest
from django.test import Client, override_settings

from chaperon.accounts.models import SignInCounter, TotpDevice
from chaperon.accounts.services import new_totp_secret
from chaperon.accounts.session import PENDING_SECRET_KEY
from chaperon.audit.actions import AuditAction
from chaperon.audit.models import AuditEvent
from chaperon.people import services as people_services
from chaperon.people.roles import Role
from tests import factories
from tests.conftest import Cast, signed_in

pytestmark = pytest.mark.clause("LOG-2")


def _sign_in(client: Client, email: str, password: str = factories.PASSWORD, next_url: str = ""):
    url = "/accounts/sign-in/" + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"email": email, "password": password})


def _device_for(user) -> TotpDevice:
    return TotpDevice.objects.create(
        user=user, secret=new_totp_secret(), confirmed_at="2026-01-01T00:00:00Z"
    )


def _actions(action: AuditAction) -> int:
    return AuditEvent.objects.filter(action=action).count()


def test_teacher_signs_in_with_password_alone(cast: Cast) -> None:
    client = Client()
    response = _sign_in(client, cast.teacher.email)
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200
    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN).last()
    assert event is not None and event.actor_id == cast.teacher.pk
    assert event.details["second_factor"] is False


def test_email_matches_whatever_its_case(cast: Cast) -> None:
    client = Client()
    response = _sign_in(client, cast.teacher.email.upper())
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_wrong_password_is_refused_and_audited(cast: Cast) -> None:
    client = Client()
    response = _sign_in(client, cast.teacher.email, "not the password")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302
    assert _actions(AuditAction.SIGN_IN_FAILED) == 1
    assert _actions(AuditAction.SIGN_IN) == 0


def test_unknown_account_gets_the_same_answer(cast: Cast) -> None:
    response = _sign_in(Client(), "nobody@nowhere.example", "whatever password")
    assert "do not match an account" in response.content.decode()


@override_settings(SIGN_IN_MAX_FAILURES=3)
def test_repeated_failures_lock_the_account_even_for_the_right_password(cast: Cast) -> None:
    client = Client()
    for _ in range(3):
        _sign_in(client, cast.teacher.email, "wrong guess")
    assert _actions(AuditAction.SIGN_IN_LOCKED) == 1
    response = _sign_in(client, cast.teacher.email)
    assert response.status_code == 200
    assert "Too many attempts" in response.content.decode()
    assert client.get("/dashboard/").status_code == 302
    assert _actions(AuditAction.SIGN_IN) == 0
    # Another account is not affected by this one's lock.
    assert _sign_in(Client(), cast.teacher2.email).status_code == 302


@override_settings(SIGN_IN_MAX_FAILURES=2)
def test_the_lock_lifts_after_the_window(cast: Cast) -> None:
    client = Client()
    for _ in range(2):
        _sign_in(client, cast.teacher.email, "wrong guess")
    SignInCounter.objects.update(window_started="2000-01-01T00:00:00Z")
    assert _sign_in(client, cast.teacher.email).status_code == 302


@pytest.mark.parametrize("name", ["dsl", "deputy", "slt", "admin"])
def test_second_factor_roles_cannot_reach_pages_with_a_password_alone(
    cast: Cast, name: str
) -> None:
    client = Client()
    response = _sign_in(client, cast.user(name).email)
    assert response["Location"] == "/accounts/second-factor/"
    assert client.get("/dashboard/").status_code == 302
    assert client.get("/learners/").status_code == 302
    assert _actions(AuditAction.SIGN_IN) == 0


def test_first_sign_in_sets_up_the_authenticator(cast: Cast) -> None:
    client = Client()
    _sign_in(client, cast.dsl.email)
    page = client.get("/accounts/second-factor/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Set up your authenticator" in body and "<svg" in body
    secret = client.session[PENDING_SECRET_KEY]

    refused = client.post("/accounts/second-factor/", {"code": "000000"})
    assert refused.status_code == 200
    assert not TotpDevice.objects.filter(user=cast.dsl).exists()
    assert client.get("/dashboard/").status_code == 302

    response = client.post("/accounts/second-factor/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert TotpDevice.objects.get(user=cast.dsl).secret == secret
    assert client.get("/dashboard/").status_code == 200
    assert _actions(AuditAction.SECOND_FACTOR_ENROLLED) == 1


def test_code_from_the_authenticator_completes_sign_in_once(cast: Cast) -> None:
    device = _device_for(cast.dsl)
    client = Client()
    _sign_in(client, cast.dsl.email)
    assert "Enter your code" in client.get("/accounts/second-factor/").content.decode()
    code = pyotp.TOTP(device.secret).now()
    assert client.post("/accounts/second-factor/", {"code": code}).status_code == 302
    assert client.get("/dashboard/").status_code == 200
    signed_in_event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN).last()
    assert signed_in_event is not None and signed_in_event.details["second_factor"] is True

    # The same code cannot be replayed by someone who saw it.
    other = Client()
    _sign_in(other, cast.dsl.email)
    response = other.post("/accounts/second-factor/", {"code": code})
    assert response.status_code == 200
    assert "already used" in response.content.decode()
    assert other.get("/dashboard/").status_code == 302


def test_second_factor_page_needs_a_password_first(cast: Cast) -> None:
    response = Client().get("/accounts/second-factor/")
    assert response["Location"] == "/accounts/sign-in/"


def test_someone_given_a_second_factor_role_must_give_one_at_their_next_request(
    cast: Cast,
) -> None:
    client = Client()
    _sign_in(client, cast.teacher.email)
    assert client.get("/dashboard/").status_code == 200
    people_services.staff_set_roles(
        actor=cast.dsl, staff=factories.staff_member(cast.teacher), roles=[Role.DSL]
    )
    response = client.get("/dashboard/")
    assert response["Location"] == "/accounts/second-factor/"
    assert client.get("/learners/").status_code == 302


def test_next_goes_back_to_the_page_asked_for_but_never_off_site(cast: Cast) -> None:
    client = Client()
    assert _sign_in(client, cast.teacher.email, next_url="/learners/")["Location"] == "/learners/"
    other = Client()
    response = _sign_in(other, cast.teacher.email, next_url="https://elsewhere.example/")
    assert response["Location"] == "/dashboard/"


def test_sign_out_needs_post_and_ends_the_session(cast: Cast) -> None:
    client = signed_in(cast.teacher)
    assert client.get("/accounts/sign-out/").status_code == 405
    assert client.post("/accounts/sign-out/").status_code == 302
    assert client.get("/dashboard/").status_code == 302
    assert _actions(AuditAction.SIGN_OUT) == 1


def test_session_cookie_is_http_only_and_same_site(cast: Cast) -> None:
    client = Client()
    _sign_in(client, cast.teacher.email)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_pages_carry_a_content_security_policy(cast: Cast) -> None:
    response = Client().get("/accounts/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_passwords_are_stored_with_argon2(cast: Cast) -> None:
    assert cast.teacher.password.startswith("argon2$")


def test_a_dsl_resets_a_lost_authenticator_with_a_reason(cast: Cast) -> None:
    _device_for(cast.deputy)
    member = factories.staff_member(cast.deputy)
    client = signed_in(cast.dsl)
    refused = client.post(f"/accounts/authenticator-reset/{cast.deputy.pk}/", {"reason": " "})
    assert refused.status_code == 302
    assert TotpDevice.objects.filter(user=cast.deputy).exists()

    client.post(f"/accounts/authenticator-reset/{cast.deputy.pk}/", {"reason": "Phone lost"})
    assert not TotpDevice.objects.filter(user=cast.deputy).exists()
    event = AuditEvent.objects.filter(action=AuditAction.SECOND_FACTOR_RESET).last()
    assert event is not None and event.reason == "Phone lost" and event.actor_id == cast.dsl.pk
    page = client.get(f"/staff/{member.pk}/")
    assert "will set up a new authenticator" in page.content.decode()


@pytest.mark.parametrize("name", ["teacher", "deputy", "slt", "outsider"])
def test_others_cannot_reset_an_authenticator(cast: Cast, name: str) -> None:
    _device_for(cast.dsl)
    events = AuditEvent.objects.count()
    response = signed_in(cast.user(name)).post(
        f"/accounts/authenticator-reset/{cast.dsl.pk}/", {"reason": "Phone lost"}
    )
    assert response.status_code == (404 if name == "outsider" else 403)
    assert TotpDevice.objects.filter(user=cast.dsl).exists()
    assert AuditEvent.objects.count() == events


def test_a_newly_promoted_dsl_cannot_act_before_giving_a_second_factor(cast: Cast) -> None:
    _device_for(cast.deputy)
    client = Client()
    _sign_in(client, cast.teacher.email)
    people_services.staff_set_roles(
        actor=cast.dsl, staff=factories.staff_member(cast.teacher), roles=[Role.DSL]
    )
    response = client.post(
        f"/accounts/authenticator-reset/{cast.deputy.pk}/", {"reason": "Phone lost"}
    )
    assert response["Location"] == "/accounts/second-factor/"
    assert TotpDevice.objects.filter(user=cast.deputy).exists()

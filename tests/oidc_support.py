"""A real OpenID provider (tests/accounts/oidc_provider.mjs, the oidc-provider package run by
node) on a free loopback port, and the steps of signing in through it."""

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client

from chaperon.accounts.models import SingleSignOn, SsoProvider
from chaperon.accounts.services import SsoSettings, sso_configure
from chaperon.core.actors import SYSTEM
from chaperon.people.models import Organisation, User
from tests.serve_support import free_port, wait_until

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tests" / "accounts" / "oidc_provider.mjs"
NODE = shutil.which("node") or "/usr/bin/node"
SECRET = "fictional-client-secret-for-tests"
CLIENTS = ["chaperon", "chaperon-wrong-aud", "chaperon-expired", "chaperon-no-pkce"]
TENANT = "5d6a3c1e-0b7f-4c1a-9e58-8f2d2a0c7b11"  # a made-up Entra tenant id
OTHER_TENANT = "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f"
PERSONAL_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"  # Microsoft's, for personal accounts


@dataclass
class LocalProvider:
    issuer: str
    accounts_file: Path
    secret_file: Path

    def accounts(self, accounts: dict[str, dict[str, Any]]) -> None:
        """Replace the provider's accounts: login -> {"sub", "claims", "amr"}."""
        self.accounts_file.write_text(json.dumps(accounts))


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalProvider]:
    folder = tmp_path_factory.mktemp("oidc")
    port = free_port()
    accounts_file = folder / "accounts.json"
    accounts_file.write_text("{}")
    secret_file = folder / "client-secret"
    secret_file.write_text(SECRET + "\n")
    config = folder / "provider.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "secret": SECRET,
                "clients": CLIENTS,
                "accounts_file": str(accounts_file),
            }
        )
    )
    log = (folder / "provider.log").open("w")
    process = subprocess.Popen(  # noqa: S603 (our own script, our own arguments)
        [NODE, str(SCRIPT), str(config)], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
    )
    issuer = f"http://127.0.0.1:{port}"

    def answering() -> bool:
        if process.poll() is not None:
            pytest.fail(f"the OpenID provider stopped: {(folder / 'provider.log').read_text()}")
        try:
            return requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5).ok
        except requests.ConnectionError:
            return False

    wait_until(answering, "the local OpenID provider")
    try:
        yield LocalProvider(issuer=issuer, accounts_file=accounts_file, secret_file=secret_file)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def configure(
    provider: LocalProvider,
    organisation: Organisation,
    settings: Any,
    *,
    kind: str = SsoProvider.ENTRA,
    client_id: str = "chaperon",
    domains: str = "",
    accept_provider_mfa: bool = False,
    password_sign_in: bool = True,
) -> SingleSignOn:
    """Point ``organisation`` at the local provider, its secret in a file (pytest-django's
    ``settings`` fixture puts the setting back after the test)."""
    settings.SSO_CLIENT_SECRET_FILES = {organisation.slug: provider.secret_file}
    return sso_configure(
        actor=SYSTEM,
        organisation=organisation,
        wanted=SsoSettings(
            provider=kind,
            issuer=provider.issuer,
            client_id=client_id,
            tenant_id=TENANT if kind == SsoProvider.ENTRA else "",
            email_domains=domains,
            accept_provider_mfa=accept_provider_mfa,
            password_sign_in=password_sign_in,
        ),
    )


def account(
    user: User | None = None,
    *,
    sub: str,
    email: str = "",
    verified: bool = True,
    tid: str = TENANT,
    hd: str = "",
    amr: list[str] | None = None,
) -> dict[str, Any]:
    claims: dict[str, Any] = {"email": email or (user.email if user else ""), "tid": tid}
    claims["email_verified"] = verified
    if hd:
        claims["hd"] = hd
    if user is not None:
        claims["name"] = user.full_name
    return {"sub": sub, "claims": claims, "amr": amr or ["pwd"]}


def provider_callback(client: Client, slug: str, login: str) -> str:
    """Start signing in to ``slug`` with ``client``, sign in at the provider as ``login`` (as a
    browser would) and give the callback address the provider sends the browser back to."""
    start = client.get(f"/accounts/sign-in/organisation/{slug}/")
    assert start.status_code == 302, start.content
    browser = requests.Session()
    answer = browser.get(start["Location"], allow_redirects=False, timeout=30)
    posted = False
    while True:
        if answer.is_redirect:
            location = urljoin(answer.url, answer.headers["Location"])
            if location.startswith("http://testserver/"):
                parts = urlsplit(location)
                return f"{parts.path}?{parts.query}"
            answer = browser.get(location, allow_redirects=False, timeout=30)
        elif not posted and "Test provider sign-in" in answer.text:
            posted = True
            answer = browser.post(
                answer.url, data={"login": login}, allow_redirects=False, timeout=30
            )
        else:
            pytest.fail(f"the provider did not send the browser back: {answer.text[:500]}")

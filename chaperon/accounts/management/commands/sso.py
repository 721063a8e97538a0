"""``chaperon sso``: how an organisation's staff sign in with their organisation accounts.

    chaperon sso set ORGANISATION --provider entra --issuer URL --client-id ID --tenant-id ID
        [--email-domains school.example] [--accept-provider-mfa yes|no]
        [--password-sign-in yes|no] [--enabled yes|no]
    chaperon sso set ORGANISATION --provider google --client-id ID --email-domains school.example
    chaperon sso show ORGANISATION

The client secret is never given here: put it in a file (mode 0600) and name the file for the
organisation in SSO_CLIENT_SECRET_FILES (docs/sso.md). Each refusal is one line on standard
error naming the field and the fix, and exit status 1.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chaperon.accounts.models import SingleSignOn, SsoProvider
from chaperon.accounts.services import SsoSettings, sso_configure
from chaperon.core.actors import SYSTEM
from chaperon.core.exceptions import ValidationFailed
from chaperon.people.models import Organisation

GOOGLE_ISSUER = "https://accounts.google.com"
YES_NO = {"yes": True, "no": False}


def _organisation(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"organisation: no organisation has the slug {slug!r}")
    return organisation


class Command(BaseCommand):
    help = "Set or show how an organisation's staff sign in with their organisation accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        put = commands.add_parser("set", help="set the organisation's provider")
        put.add_argument("organisation")
        put.add_argument("--provider", required=True, choices=SsoProvider.values)
        put.add_argument("--issuer", default="")
        put.add_argument("--client-id", required=True)
        put.add_argument("--tenant-id", default="")
        put.add_argument("--email-domains", default="")
        for flag, default in (
            ("--accept-provider-mfa", "no"),
            ("--password-sign-in", "yes"),
            ("--enabled", "yes"),
        ):
            put.add_argument(flag, choices=sorted(YES_NO), default=default)
        show = commands.add_parser("show", help="show the organisation's provider")
        show.add_argument("organisation")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = _organisation(options["organisation"])
        if options["subcommand"] == "set":
            self._set(organisation, options)
        self._show(organisation)

    def _set(self, organisation: Organisation, options: dict[str, Any]) -> None:
        issuer = options["issuer"]
        if not issuer and options["provider"] == SsoProvider.GOOGLE:
            issuer = GOOGLE_ISSUER
        if not issuer and options["provider"] == SsoProvider.ENTRA and options["tenant_id"]:
            issuer = f"https://login.microsoftonline.com/{options['tenant_id']}/v2.0"
        wanted = SsoSettings(
            provider=options["provider"],
            issuer=issuer,
            client_id=options["client_id"],
            tenant_id=options["tenant_id"],
            email_domains=options["email_domains"],
            accept_provider_mfa=YES_NO[options["accept_provider_mfa"]],
            password_sign_in=YES_NO[options["password_sign_in"]],
            enabled=YES_NO[options["enabled"]],
        )
        try:
            sso_configure(actor=SYSTEM, organisation=organisation, wanted=wanted)
        except ValidationFailed as error:
            field, message = next(iter(error.errors.items()))
            raise CommandError(f"{field.replace('_', '-')}: {message}") from None

    def _show(self, organisation: Organisation) -> None:
        config = SingleSignOn.objects.filter(organisation=organisation).first()
        if config is None:
            self.stdout.write(f"{organisation.name}: password sign-in only")
            return
        secret_file = settings.SSO_CLIENT_SECRET_FILES.get(organisation.slug)
        for label, value in (
            ("organisation", organisation.name),
            ("provider", config.get_provider_display()),
            ("issuer", config.issuer),
            ("client id", config.client_id),
            ("tenant id", config.tenant_id or "-"),
            ("email domains", ", ".join(config.domains) or "-"),
            ("provider MFA accepted", "yes" if config.accept_provider_mfa else "no"),
            ("password sign-in", "yes" if config.password_sign_in else "no"),
            ("enabled", "yes" if config.enabled else "no"),
            ("client secret file", str(secret_file) if secret_file else "NOT SET"),
        ):
            self.stdout.write(f"{label}: {value}")

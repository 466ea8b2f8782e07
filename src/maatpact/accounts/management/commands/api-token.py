"""API tokens for system accounts from the command line (deployments, scripts).

The same services as the admin (``accounts.tokens``): issuing prints the token once,
every action is audited.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from maatpact.accounts import tokens
from maatpact.accounts.models import ApiToken, User
from maatpact.common.templatetags.maatpact import datum


class Command(BaseCommand):
    help = (
        "API-tokens: 'uitgeven GEBRUIKER --naam DOEL [--dagen N]' drukt het token één keer "
        "af; 'lijst [GEBRUIKER]' toont naam en vervaldatum; 'intrekken ID' trekt in."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("uitgeven")
        issue.add_argument("username")
        issue.add_argument("--naam", required=True, help="Naam of doel van het token.")
        issue.add_argument("--dagen", type=int, default=None, help="Geldigheid in dagen.")
        listing = sub.add_parser("lijst")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("intrekken")
        revoke.add_argument("id", type=int)

    def handle(self, *args, action, **options):
        getattr(self, f"_{action}")(**options)

    def _uitgeven(self, username, naam, dagen, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Geen actieve gebruiker {username}.")
        days = dagen or settings.MAATPACT_API_TOKEN_DAYS
        try:
            token, text = tokens.issue_token(
                user, name=naam, lifetime=timedelta(days=days), actor=None
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(
            f"Token {token.pk} voor {user.username}, geldig tot "
            f"{datum(token.expiry, 'kort tijd')}. Wordt maar één keer getoond:"
        )
        self.stdout.write(text)

    def _lijst(self, username=None, **options):
        qs = ApiToken.objects.select_related("user").order_by("user__username", "expiry")
        if username:
            qs = qs.filter(user__username=username)
        for token in qs:
            self.stdout.write(
                f"{token.pk}\t{token.user.username}\t{token.name}\t"
                f"tot {datum(token.expiry, 'kort tijd')}"
            )

    def _intrekken(self, id, **options):
        token = ApiToken.objects.select_related("user").filter(pk=id).first()
        if token is None:
            raise CommandError(f"Geen token {id}.")
        tokens.revoke_token(token, actor=None, reason="ingetrokken via de opdrachtregel")
        self.stdout.write(f"Token {id} ingetrokken.")

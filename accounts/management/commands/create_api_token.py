from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from accounts.services import TokenError, api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print its key (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Integration", help="What the token is for.")
        parser.add_argument(
            "--days", type=int, default=None, help="Expire after this many days (default never)."
        )

    def handle(self, *args, email, name, days, **options):
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with email {email}.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            issued = api_token_create(user=user, name=name, expires_at=expires_at)
        except TokenError as error:
            raise CommandError(error.message) from error
        self.stdout.write(issued.key)

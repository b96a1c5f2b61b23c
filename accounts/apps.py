from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        # Connects the signals by which saves and deletes of tokens and
        # users reach the cache of tokens.
        # Registers the check of the single sign-on settings.
        from . import (
            sso,  # noqa: F401
            token_cache,  # noqa: F401
        )

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .managers import UserManager


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to BioBridge, by email.

    Research-centre staff work for one or more institutions or joint centres
    and see what those are party to; superusers see everything. A partner user
    belongs to exactly one enterprise and sees only that enterprise's data.
    A researcher is linked to their ``Person`` and sees their own disclosures
    and the achievements they are an inventor on.
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.CENTRE_STAFF
    )
    enterprise = models.ForeignKey(
        "partnerships.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("The enterprise a partner user belongs to."),
    )
    institutions = models.ManyToManyField(
        "partnerships.Institution",
        verbose_name=_("institutions"),
        blank=True,
        related_name="staff_users",
        help_text=_("Institutions a research-centre staff member works for."),
    )
    joint_centres = models.ManyToManyField(
        "partnerships.JointCentre",
        verbose_name=_("joint centres"),
        blank=True,
        related_name="staff_users",
        help_text=_("Joint centres a research-centre staff member works for."),
    )
    is_staff = models.BooleanField(
        _("admin site access"),
        default=False,
        help_text=_("May sign in to the Django admin."),
    )
    is_partner_admin = models.BooleanField(
        _("partner admin"),
        default=False,
        help_text=_("May invite and remove the enterprise's partner users in the portal."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the user's notices and emails; empty for the site's default."
        ),
    )
    invited_at = models.DateTimeField(
        _("invited at"),
        null=True,
        blank=True,
        help_text=_(
            "When the latest invitation to the portal was sent; empty once it is accepted."
        ),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message=_("A user with this email address exists."),
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.PARTNER, enterprise__isnull=False)
                    | models.Q(
                        role__in=[Role.CENTRE_STAFF, Role.RESEARCHER, Role.AWAITING],
                        enterprise__isnull=True,
                    )
                ),
                name="user_partner_has_enterprise",
                violation_error_message=_(
                    "A partner user belongs to an enterprise; staff and researchers do not."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    role__in=[Role.PARTNER, Role.RESEARCHER, Role.AWAITING], is_superuser=True
                ),
                name="user_partner_not_superuser",
                violation_error_message=_("Only staff can be superusers."),
            ),
            models.CheckConstraint(
                condition=models.Q(is_partner_admin=False) | models.Q(role=Role.PARTNER),
                name="user_partner_admin_is_partner",
                violation_error_message=_("Only a partner user can be a partner admin."),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def is_centre_staff(self) -> bool:
        return self.role == Role.CENTRE_STAFF

    @property
    def is_researcher(self) -> bool:
        return self.role == Role.RESEARCHER

    @property
    def is_awaiting_role(self) -> bool:
        return self.role == Role.AWAITING

    @property
    def is_invitation_pending(self) -> bool:
        """Invited to the portal and not signed up yet."""
        return self.invited_at is not None and not self.is_active


class ApiToken(models.Model):
    """A key an integration sends as ``Authorization: Token <key>``. Only its
    SHA-256 digest is stored: the key is shown once, when it is created. A
    token acts as its user, with the user's scope and permissions."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(
        _("prefix"), max_length=12, help_text=_("The key's first characters, to recognise it.")
    )
    key_digest = models.CharField(_("key digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

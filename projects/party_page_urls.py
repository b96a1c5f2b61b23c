"""The pages of one party or agreement (``views/party_pages.py``).

``config/urls.py`` mounts them under the ``partners:`` and ``agreements:``
namespaces, after partnerships' lists and forms, so ``…/new/`` and
``…/<code>/edit/`` are matched before a code is.
"""

from django.urls import path

from .views import fixed_payments, party_pages

party_urlpatterns = [
    path(
        "institutions/<str:code>/",
        party_pages.institution_detail,
        name="institution_detail",
    ),
    path(
        "enterprises/<str:code>/",
        party_pages.enterprise_detail,
        name="enterprise_detail",
    ),
    path(
        "enterprises/<str:code>/invitations/",
        party_pages.enterprise_invite,
        name="enterprise_invite",
    ),
    path(
        "enterprises/<str:code>/invitations/<int:user_pk>/resend/",
        party_pages.enterprise_invitation_resend,
        name="enterprise_invitation_resend",
    ),
    path(
        "joint-centres/<str:code>/",
        party_pages.joint_centre_detail,
        name="joint_centre_detail",
    ),
    path(
        "partnerships/<str:code>/",
        party_pages.partnership_detail,
        name="partnership_detail",
    ),
]

agreement_urlpatterns = [
    path("<str:reference>/", party_pages.agreement_detail, name="detail"),
    path(
        "<str:reference>/fixed-payments/new/",
        fixed_payments.fixed_payment_create,
        name="fixed_payment_create",
    ),
    path(
        "<str:reference>/fixed-payments/<int:pk>/<slug:action>/",
        fixed_payments.fixed_payment_action,
        name="fixed_payment_action",
    ),
]

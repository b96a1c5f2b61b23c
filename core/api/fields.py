from django.contrib.auth.models import AnonymousUser
from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object chosen by id among those the requesting user may
    see (``selector(user)``): another partner's object is refused exactly
    like a missing one."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        # Ids are integers; saying so also lets the schema generator type the
        # field without a queryset.
        kwargs.setdefault("pk_field", serializers.IntegerField())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        return self.selector(getattr(request, "user", None) or AnonymousUser())

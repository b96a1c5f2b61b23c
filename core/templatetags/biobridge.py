from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def localized(obj, field: str = "name"):
    """The Chinese variant of a bilingual field (``name_zh``, ``title_zh``)
    when the page is in Chinese and the variant is filled in, else the
    English one."""
    if obj is None:
        return ""
    if (get_language() or "").startswith("zh"):
        chinese = getattr(obj, f"{field}_zh", "")
        if chinese:
            return chinese
    return getattr(obj, field, "")

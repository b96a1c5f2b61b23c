"""Tags of the list pages: sortable column headers."""

from django import template

register = template.Library()


@register.inclusion_tag("ui/partials/sort_header.html")
def sort_header(listing, key: str, label: str, css_class: str = ""):
    """A column header that sorts the list by ``key`` (ascending first, then
    the other way round), keeping the filters, and tells assistive
    technology how the list is sorted (``aria-sort``)."""
    return {
        "label": label,
        "query": listing.sort_query(key),
        "aria_sort": listing.aria_sort(key),
        "css_class": css_class,
    }


@register.filter
def chosen_labels(bound_field) -> str:
    """The labels of the choices selected in a multiple-choice filter."""
    chosen = {str(value) for value in bound_field.value() or ()}
    return ", ".join(str(label) for value, label in bound_field.field.choices if value in chosen)

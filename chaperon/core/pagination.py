"""One way to show a long list a page at a time: ``page_of`` cuts the list with Django's
``Paginator`` (the database counts and fetches only the page), and the template partial
``core/pages.html`` draws "Page X of Y" with previous and next links that keep the list's
search and filters (``query``: the request's query string without its page number).

A page number that is not a number gives the first page; one past the end gives the last, so a
link kept from a longer list still shows something."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PER_PAGE = 50


@dataclass(frozen=True)
class Listing:
    """A page of a list, and the query string its page links carry."""

    page: Page[Any]
    query: str

    @property
    def rows(self) -> Sequence[Any]:
        return self.page.object_list  # type: ignore[return-value]  # a slice of a list or query set

    @property
    def count(self) -> int:
        return self.page.paginator.count


def query_without_page(request: HttpRequest, *also: str) -> str:
    """The request's query string, less its page number (and the parameters named in
    ``also``, for a link that drops a filter), for the page links to carry."""
    query = request.GET.copy()
    for name in ("page", *also):
        query.pop(name, None)
    return query.urlencode()


def page_of(
    items: QuerySet[Any] | Sequence[Any],
    request: HttpRequest | None = None,
    *,
    number: int | str | None = None,
    per_page: int = PER_PAGE,
) -> Listing:
    """Page ``number`` (by default the request's ``page``) of ``items``, which should be
    ordered. A query set is counted and cut by the database."""
    if number is None and request is not None:
        number = request.GET.get("page")
    page = Paginator(items, per_page).get_page(number)
    return Listing(page=page, query=query_without_page(request) if request is not None else "")

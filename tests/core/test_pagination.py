"""The one way lists are cut into pages: page numbers that are past the end or not numbers,
and page links that keep the list's search and filters."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from chaperon.core.pagination import PER_PAGE, page_of, query_without_page

ROWS = list(range(2 * PER_PAGE + 5))  # three pages, the last of five


@pytest.mark.parametrize(
    ("asked", "number", "first_row"),
    [
        (None, 1, 0),
        ("1", 1, 0),
        ("2", 2, PER_PAGE),
        ("3", 3, 2 * PER_PAGE),
        ("4", 3, 2 * PER_PAGE),  # past the end: the last page
        ("99999999999999999999", 3, 2 * PER_PAGE),
        ("0", 3, 2 * PER_PAGE),  # Django's get_page gives the last page for 0 and below
        ("two", 1, 0),  # not a number: the first page
        ("", 1, 0),
    ],
)
def test_page_numbers(asked: str | None, number: int, first_row: int) -> None:
    query = {} if asked is None else {"page": asked}
    listing = page_of(ROWS, RequestFactory().get("/", query))
    assert listing.page.number == number
    assert listing.rows[0] == first_row
    assert listing.count == len(ROWS)


def test_the_last_page_holds_the_rest() -> None:
    listing = page_of(ROWS, RequestFactory().get("/", {"page": "3"}))
    assert list(listing.rows) == ROWS[2 * PER_PAGE :]
    assert not listing.page.has_next()


def test_an_empty_list_is_one_empty_page() -> None:
    listing = page_of([], RequestFactory().get("/", {"page": "5"}))
    assert listing.page.number == 1 and list(listing.rows) == [] and listing.count == 0


def test_page_links_keep_the_filters_and_say_where_you_are() -> None:
    request = RequestFactory().get("/", {"q": "Alder & Co", "year_group": "Year 7", "page": "2"})
    listing = page_of(ROWS, request)
    assert listing.query == "q=Alder+%26+Co&year_group=Year+7"
    assert query_without_page(request, "q") == "year_group=Year+7"
    html = render_to_string(
        "core/pages.html", {"page": listing.page, "query": listing.query, "label": "learners"}
    )
    assert '<nav aria-label="Pages of learners"' in html
    assert "Page 2 of 3" in html
    assert 'href="?q=Alder+%26+Co&amp;year_group=Year+7&amp;page=1" rel="prev"' in html
    assert 'href="?q=Alder+%26+Co&amp;year_group=Year+7&amp;page=3" rel="next"' in html


def test_one_page_needs_no_page_links() -> None:
    listing = page_of(ROWS[:3], RequestFactory().get("/"))
    assert render_to_string("core/pages.html", {"page": listing.page}).strip() == ""


def test_first_and_last_pages_link_only_one_way() -> None:
    first = page_of(ROWS, RequestFactory().get("/")).page
    last = page_of(ROWS, RequestFactory().get("/", {"page": "3"})).page
    first_html = render_to_string("core/pages.html", {"page": first, "query": ""})
    last_html = render_to_string("core/pages.html", {"page": last, "query": ""})
    assert 'rel="next"' in first_html and 'rel="prev"' not in first_html
    assert 'href="?page=2"' in first_html
    assert 'rel="prev"' in last_html and 'rel="next"' not in last_html

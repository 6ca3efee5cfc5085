"""Lists that grow with a call are shown a page at a time: `?page=N`, a fixed page size per list.

The total is counted in SQL over the filtered rows (never by loading them), the page is read with
LIMIT/OFFSET under an order that ends in the primary key (so no row is shown twice or skipped
between pages), and `?page=` is read with converters.int_arg: 0, -1, 'abc' or a number beyond what
an INTEGER holds is a 400 with a Dutch message (the API answers it as its error JSON). A well-formed
number past the last page is a 404 with a message that says how many pages there are (the page does
not exist), never an empty page that looks like "no applications". An empty list has one (empty) page.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from .converters import int_arg
from .i18n import _, ngettext


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    size: int
    total: int  # rows over all pages (after the filters)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_row(self) -> int:
        """The 1-based position of the page's first row (0 on an empty list)."""
        return min(self.offset + 1, self.total)

    @property
    def last_row(self) -> int:
        return min(self.offset + self.size, self.total)


def requested_page(name: str = "page") -> int:
    """The page number asked for (1 when absent or empty, as on every page's links and forms); anything
    but a whole number from 1 on is a 400."""
    return int_arg(name, 1, minimum=1)


def requested_api_page() -> int:
    """An API list's ?page=: as requested_page, but an empty one is a 400 too (the OpenAPI document
    says integer, and a client that sends `page=` has a bug to hear about)."""
    return int_arg("page", 1, minimum=1, empty_is_default=False)


def page_of(number: int, size: int, total: int) -> Page:
    """The page `number` of `total` rows; a page after the last one is a 404 (that page does not exist)."""
    page = Page(number=number, size=size, total=total)
    if number > page.pages:
        abort(404, description=ngettext(
            "Pagina %(number)s bestaat niet: deze lijst heeft %(num)s pagina.",
            "Pagina %(number)s bestaat niet: deze lijst heeft %(num)s pagina's.", page.pages, number=number))
    return page


def page_label(page: Page) -> str:
    """'Pagina 2 van 7' in the page's language."""
    return _("Pagina %(number)s van %(pages)s", number=page.number, pages=page.pages)


def api_page_fields(page: Page) -> dict:
    """What every paginated API list answers beside its items: where it is, how many there are in all,
    and the link to the next page (the same query parameters, the next page number), or null on the last."""
    from flask import request, url_for
    next_url = None
    if page.has_next:
        args = {key: value for key, value in request.args.items(multi=False) if key != "page"}
        next_url = url_for(request.endpoint, **(request.view_args or {}), **args, page=page.number + 1)
    return {"page": page.number, "per_page": page.size, "pages": page.pages, "total": page.total,
            "next": next_url}

"""Choosing people in a browser through a picker's combobox, with the keyboard only."""

from playwright.sync_api import Page, expect


def choose_person(page: Page, field: str, search: str, person: str) -> None:
    """Type ``search`` into the combobox labelled ``field``, arrow down to ``person`` and press
    Enter; the person then shows among those chosen, with a Remove button."""
    box = page.get_by_role("combobox", name=field, exact=True)
    box.fill(search)
    option = page.get_by_role("option", name=person, exact=True)
    expect(option).to_be_visible()
    wanted = option.get_attribute("id")
    for _ in range(25):  # at most the endpoint's limit of results
        box.press("ArrowDown")
        if box.get_attribute("aria-activedescendant") == wanted:
            break
    box.press("Enter")
    expect(page.get_by_role("button", name=f"Remove {person}", exact=True)).to_be_visible()

"""The Imports and Person pages in a real browser (issue 13, items 4 and 5): the training
lead picks a batch on Imports, undoes it, and the picker then says "undone" (the browser
keeps the label it was last sent, so the page must send the new one); the Person page of a
seeded person reads in plain words, with no codes, no ISO dates and no code block. The
tests share one server: the undo takes back the batch of named problems only, so the
seeded completions the Person test reads stay.

    PYTHONPATH=$PWD python -m pytest -m e2e tests/e2e/test_imports_person.py -q
"""

from __future__ import annotations

import pytest

from tests.e2e.harness import NAMED_PROBLEMS, WAIT_MS, login, nav, settle, shot

pytestmark = pytest.mark.e2e


def _serious_axe_findings(page: object) -> list[str]:
    """axe-core's serious and critical WCAG findings on the page as it is now (none when
    axe-playwright-python is not installed: the accessibility suite says so itself)."""
    try:
        from tests.e2e import test_accessibility as a11y
    except (ImportError, pytest.skip.Exception):
        return []
    return [a11y.describe(v) for v in a11y.axe_violations(page)
            if v["impact"] in a11y.BLOCKING]


def _picker_text(page: object) -> str:
    box = page.get_by_test_id("stSelectbox").filter(has_text="Batch")  # type: ignore[attr-defined]
    return str(box.get_by_role("combobox").input_value())  # what the box shows


def test_undo_then_the_picker_says_undone(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    login(page, server, "demo-lead")
    nav(page, "Imports")
    # The batch of named problems (the seeded completions stay, for the Person test),
    # chosen in the box after another one, as a user would:
    for name in ("roster-1.csv", NAMED_PROBLEMS.name):
        page.get_by_test_id("stSelectbox").filter(has_text="Batch").click()  # type: ignore[attr-defined]
        page.get_by_role("option").filter(has_text=name).click()  # type: ignore[attr-defined]
        settle(page)
    assert NAMED_PROBLEMS.name in _picker_text(page)
    assert _picker_text(page).endswith("· committed")
    page.get_by_text("Yes, undo batch").click()  # type: ignore[attr-defined]
    settle(page)
    page.get_by_role("button", name="Undo batch").click()  # type: ignore[attr-defined]
    page.get_by_text(f"({NAMED_PROBLEMS.name}) is undone.").wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    settle(page)
    text = _picker_text(page)
    assert NAMED_PROBLEMS.name in text and text.endswith("· undone"), text
    assert "committed" not in text
    assert page.get_by_text("is undone; there is nothing to undo.").count() == 1  # type: ignore[attr-defined]
    assert _serious_axe_findings(page) == []
    shot(page, "imports-after-undo")
    page.close()


def test_person_page_reads_in_plain_words(server: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 900})  # type: ignore[attr-defined]
    login(page, server, "demo-lead")
    nav(page, "Person")
    page.get_by_label("Name, staff number, collar number or email").fill("Cat Cole")  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.get_by_text("Cat Cole on the roster").wait_for(timeout=WAIT_MS)  # type: ignore[attr-defined]
    settle(page)
    main = page.get_by_test_id("stMain")  # type: ignore[attr-defined]
    # The words shown, less the download buttons' file names (ISO dates belong there):
    text = "\n".join(line for line in str(main.inner_text()).splitlines()
                     if not line.rstrip().endswith(".csv"))
    for words in ("OIC Hydra exercise: Completed", "Deadline 30 Apr 2026.",
                  "In scope: Police officer, Inspector, in CID, one of the departments this "
                  "requirement covers.", "Still to do: Module 3, Module 4."):
        assert words in text, words
    for code in ("oic-el-", "oic-hydra", "police_officer", "clause", "2025-", "2026-"):
        assert code not in text, code
    assert main.get_by_test_id("stCode").count() == 0
    assert main.get_by_test_id("stDataFrame").count() == 3  # status, and two evidence tables
    assert _serious_axe_findings(page) == []
    shot(page, "person-plain-words")
    page.close()

"""Quarter end (PRODUCT.md, step 5): Sophie opens the skills matrix in the admin,
keeps the front desk only, reads the heatmap, downloads it for the board (the
spreadsheet says exactly what the screen says) and opens the evidence behind a
cell. In French, in a real Chromium."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from lms.models import Membership
from relais_skills.models import Evidence, Skill
from tests.test_browser import (  # noqa: F401  (fixtures)
    CHROMIUM,
    axe_violations,
    browser,
    demo,
    log_in,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium"),
]

# The matrix as the screen shows it: headings, then per person their name, team
# and the validated level of each cell (the self-assessed one, in brackets, is
# not exported), with the level each cell's colour class says.
READ_MATRIX = """() => {
  const table = document.querySelector("table.skills-matrix");
  const headings = [...table.querySelectorAll("thead th")].map(
    (th) => th.textContent.trim());
  const rows = [...table.querySelectorAll("tbody tr")].map((tr) => {
    const cells = [...tr.querySelectorAll("td")];
    return {
      name: tr.querySelector("th").textContent.trim(),
      team: cells[0].textContent.trim(),
      levels: cells.slice(1).map((td) => td.querySelector("a").firstChild
        .textContent.trim()),
      classes: cells.slice(1).map((td) => td.className),
    };
  });
  return {headings, rows};
}"""


def axe_violations_in(page, selector):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=selector)
    return [violation["id"] for violation in results.response["violations"]]


def test_sophie_filters_the_matrix_exports_what_she_sees_and_opens_the_evidence(
    demo,  # noqa: F811
    browser,  # noqa: F811
    tmp_path,
):
    from playwright.sync_api import expect

    front_desk = {
        m.user.get_full_name()
        for m in Membership.objects.filter(
            team__name="Accueil", is_active=True
        ).select_related("user")
    }
    page = browser.new_context(
        locale="fr-FR", viewport={"width": 1400, "height": 900}
    ).new_page()
    log_in(page, demo, "coordinatrice")
    page.wait_for_url(f"{demo}/dashboard/")

    # From the admin's Reports menu to the matrix.
    page.goto(f"{demo}/admin/")
    page.get_by_role("button", name="Rapports").click()
    page.locator(f"a[href='{reverse('skills_matrix')}']").click()
    page.wait_for_url(f"{demo}{reverse('skills_matrix')}")
    rows = page.locator("table.skills-matrix tbody tr")
    assert rows.count() > len(front_desk)
    assert axe_violations(page) == []

    # Only the front desk: the filter updates the table in place.
    page.get_by_role("button", name="Afficher les filtres").click()
    page.locator("[aria-controls='drilldown-id_team']").click()
    page.locator("#id_team").select_option(label="Accueil")
    page.wait_for_url("**team=**")
    expect(rows).to_have_count(len(front_desk))
    shown = page.evaluate(READ_MATRIX)
    assert {row["name"] for row in shown["rows"]} == front_desk
    assert {row["team"] for row in shown["rows"]} == {"Accueil"}

    # A heatmap whose every cell also says its number.
    skills = shown["headings"][2:]
    assert len(skills) == Skill.objects.count()
    levels = [int(level) for row in shown["rows"] for level in row["levels"]]
    classes = [c for row in shown["rows"] for c in row["classes"]]
    assert classes == [f"level-{level}" for level in levels]
    assert max(levels) >= 3 and 0 in levels
    # Filtered, Wagtail's own count ("Il y a 11 correspondances") is an
    # <h2 role="alert">, which axe flags (aria-allowed-role): our table only.
    assert axe_violations_in(page, ".skills-matrix-wrap") == []

    # The download button, in view, gives the same table in a spreadsheet.
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en Excel (XLSX)").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"
    sheet = load_workbook(path, read_only=True).active
    header, *lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    assert header == shown["headings"]
    assert lines == [
        [row["name"], row["team"], *(int(level) for level in row["levels"])]
        for row in shown["rows"]
    ]

    # A cell leads to the evidence behind it: Michel's front-desk level.
    michel = get_user_model().objects.get(username="mentor")
    skill = Skill.objects.get(name="accueil du public")
    membership = Membership.objects.get(user=michel)
    michels_row = rows.filter(has=page.get_by_role("link", name="Michel Roux"))
    cell = michels_row.locator(f"a[href$='#skill-{skill.pk}']")
    assert cell.inner_text().split()[0] == "4"
    cell.click()
    page.wait_for_url(
        f"{demo}{reverse('skills:person', args=[membership.pk])}#skill-{skill.pk}"
    )
    trail = page.locator(f"#skill-{skill.pk}")
    expect(trail).to_be_in_viewport()
    assert "4 · peut former" in trail.inner_text()
    trail.locator("summary").click()
    pieces = trail.locator("ul.evidence > li")
    expect(pieces).to_have_count(
        Evidence.objects.filter(user=michel, skill=skill).count()
    )
    assert "Sophie Durand" in pieces.first.inner_text()
    assert axe_violations(page) == []

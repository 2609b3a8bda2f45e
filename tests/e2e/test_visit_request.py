"""Requesting a visit at the desk: the people to choose from are the chosen customer's, swapped in as it is chosen."""

from playwright.sync_api import expect


def test_the_people_follow_the_customer_chosen(desk):
    page = desk
    page.goto("/visits/new")
    people = page.locator("#f-person_ids")
    expect(people).to_contain_text("Choose the customer first")
    expect(people.locator("input")).to_have_count(0)
    page.select_option("#f-customer_id", label="Brabant Cloud Services B.V.")
    expect(people).to_contain_text("Mark van Dijk")
    expect(people).not_to_contain_text("Pieter Smit")  # another customer's person
    page.select_option("#f-customer_id", label="Hollandse Hosting B.V.")
    expect(people).to_contain_text("Jan Jansen (third party)")
    expect(people).not_to_contain_text("Mark van Dijk")
    page.select_option("#f-purpose_kind", value="maintain")
    page.fill("#f-purpose", "Replace a failed disk")
    page.locator("#f-room_ids input").first.check()
    people.get_by_label("Pieter Smit").check()
    page.click("button:text('Save')")
    expect(page.locator(".alert.success")).to_contain_text("Visit requested")
    expect(page.locator("main")).to_contain_text("Pieter Smit")

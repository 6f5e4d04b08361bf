"""A refusal is never silent (issue 15, part 2, reviewed again): `UI.showErrors` writes each message into the form's
slot for its field, else its "detail" slot; a form with neither (e.g. the plan's "return to draft" form, whose only
slot is "state") now says the message in the page's flash instead of dropping it; a field inside a row is named by
the form's label ("#2 Số tiền (đồng)"), not by its API key ("#2 amount"). Real ui.js in Chromium."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_a_refusal_without_a_slot_in_its_form_is_said_in_the_flash(page):
    page.goto("/")
    said = page.evaluate("""() => {
        const form = document.createElement('form');
        const slot = document.createElement('p'); slot.dataset.errorFor = 'state'; form.append(slot);
        document.querySelector('main').append(form);
        UI.showErrors(form, {note: ['Ghi chú quá dài.'], state: ['Kế hoạch đã được phê duyệt.']}, 400);
        const flash = document.getElementById('ui-flash');
        return {slot: slot.textContent, flash: flash.hidden ? '' : flash.textContent, error: flash.classList.contains('error')};
    }""")
    assert said == {"slot": "Kế hoạch đã được phê duyệt.", "flash": "note: Ghi chú quá dài.", "error": True}


def test_a_refusal_in_a_row_is_named_by_the_forms_label_not_the_api_key(page):
    page.goto("/")
    said = page.evaluate("""() => {
        const form = document.createElement('form');
        const row = document.createElement('label'); row.append('Số tiền (đồng) ');
        const input = document.createElement('input'); input.name = 'amount'; row.append(input); form.append(row);
        const slot = document.createElement('p'); slot.dataset.errorFor = 'allocations'; form.append(slot);
        document.querySelector('main').append(form);
        UI.showErrors(form, {allocations: [{}, {amount: ['Không được âm.']}]}, 400);
        return slot.textContent;
    }""")
    assert said == "#2 Số tiền (đồng): Không được âm."

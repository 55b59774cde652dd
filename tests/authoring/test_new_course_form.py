"""A refused "New course" form stays at an address that still works when reloaded."""

from __future__ import annotations


def test_reloading_the_address_of_a_refused_new_course_shows_the_form(client, make_user, login):
    login(make_user("trainer"))
    refused = client.post(
        "/editor/nuovo", data={"slug": "Non Valido!", "title": "", "summary": "", "language": "it"}
    )
    assert refused.status_code == 422
    assert "Usa lettere minuscole" in refused.get_data(as_text=True)
    reloaded = client.get("/editor/nuovo")  # what the address bar does on reload
    assert reloaded.status_code == 200
    page = reloaded.get_data(as_text=True)
    assert "<h1>Nuovo corso</h1>" in page and 'name="slug"' in page


def test_reloading_the_address_of_a_refused_zip_upload_goes_back_to_the_editor(
    client, make_user, login
):
    login(make_user("trainer"))
    response = client.get("/editor/importa")
    assert response.status_code == 302 and response.location.endswith("/editor/#zip-heading")

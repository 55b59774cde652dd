"""On a phone the request queue is a list of cards (each cell labelled), not a table that hides
most of its columns; the case file offers jumps to its parts."""

from __future__ import annotations

import re


def test_the_request_queue_becomes_labelled_cards_on_a_phone(
    app, client, coops, login, make_request
):
    make_request(coops.worker)
    login(coops.manager)
    page = client.get("/gestione/").get_data(as_text=True)
    table = re.search(r'<table class="([^"]*)"[^>]*>(.*?)</table>', page, flags=re.S)
    assert table is not None and "stack-table" in table.group(1).split()
    body = table.group(2).split("<tbody>")[1]
    cells = re.findall(r"<td[^>]*>", body)
    assert cells and all("data-label=" in cell for cell in cells)
    assert '<th scope="row">' in body  # the worker's name heads each card


def test_the_case_file_has_jumps_to_its_parts(app, client, coops, login, make_request):
    request_id = make_request(coops.worker)
    login(coops.manager)
    page = client.get(f"/gestione/richieste/{request_id}").get_data(as_text=True)
    jumps = re.search(r'<nav class="sub-nav case-jumps"[^>]*>(.*?)</nav>', page, flags=re.S)
    assert jumps is not None
    for target in re.findall(r'href="#([\w-]+)"', jumps.group(1)):
        assert f'id="{target}"' in page, target

"""The manager's wide tables say they scroll sideways (a phone shows only part of them)."""

from __future__ import annotations

import re

SCROLL_HINT = "Scorri di lato per vedere tutte le colonne"


def test_the_request_queue_table_says_it_scrolls_sideways(app, client, coops, login, make_request):
    make_request(coops.worker)
    login(coops.manager)
    page = client.get("/manage/").get_data(as_text=True)
    wrapper = re.search(r'<div class="table-wrap"[^>]*>(.*?)<table', page, flags=re.S)
    assert wrapper is not None
    assert SCROLL_HINT in wrapper.group(1)
    assert 'tabindex="0"' in wrapper.group(0)  # the keyboard can scroll it too

def test_pages(client, make_user, login):
    r = client.get("/")
    assert r.status_code == 200, r.get_data(as_text=True)
    uid = make_user("worker", "trainer", "manager", "admin")
    login(uid)
    for url in ["/", "/profile", "/admin/organizations", "/admin/users", "/admin/users/new", "/admin/organizations/new", "/admin/organizations/1", "/admin/social-points/1", "/admin/users/1"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[-3000:])

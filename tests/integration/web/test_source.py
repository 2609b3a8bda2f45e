"""The source of the running code, offered on every page (AGPL-3.0-or-later, section 13)."""

import io
import tarfile

from dcops.auth.models import Role


def test_every_page_offers_the_source_and_anyone_can_have_it(anon, login):
    login_page = anon.get("/login").text  # signed out too: whoever uses it over the network
    assert 'href="/source.tar.gz"' in login_page and "(AGPL-3.0-or-later)" in login_page
    assert 'href="/source.tar.gz"' in login(Role.technician).get("/").text
    r = anon.get("/source.tar.gz")
    assert r.status_code == 200 and r.headers["content-type"] == "application/gzip"
    assert 'filename="dcops-source-' in r.headers["content-disposition"]
    with tarfile.open(fileobj=io.BytesIO(r.content), mode="r:gz") as tar:
        names = tar.getnames()
        assert all(m.uname == "" and m.uid == 0 for m in tar.getmembers())  # nothing of the server's accounts
        door = tar.extractfile("dcops-source/dcops/access/door.py")
        assert door is not None and b"def check(" in door.read()  # the code this server runs, as it runs it
    assert "dcops-source/LICENSE" in names and "dcops-source/dcops/templates/base.html" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_door_kiosk_shows_only_the_door(login):
    assert "/source.tar.gz" not in login(Role.security).get("/door").text

"""The source of the running code, offered on every page (AGPL-3.0-or-later, section 13)."""

import io
import tarfile

from dcops.auth.models import Role
from dcops.web import source


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


def test_a_data_folder_inside_the_package_stays_out_of_the_archive(tmp_path):
    """The server's data folder is relative to where it starts: started inside the package, the secret key, the
    database and the documents would sit among the code. Only source files go in."""
    package = tmp_path / "dcops"
    (package / "var" / "documents").mkdir(parents=True)
    (package / "rules.py").write_text("RULE = 1\n")
    (package / "vendor" / "htmx").mkdir(parents=True)
    (package / "vendor" / "htmx" / "LICENSE").write_text("BSD\n")
    for secret in ("var/secret_key", "var/dcops.sqlite3", "var/documents/contract.pdf", "rules.pyc"):
        (package / secret).write_bytes(b"not for anyone")
    (tmp_path / "LICENSE").write_text("AGPL\n")
    with tarfile.open(fileobj=io.BytesIO(source.build(package)), mode="r:gz") as tar:
        assert sorted(tar.getnames()) == [
            "dcops-source/LICENSE",
            "dcops-source/dcops/rules.py",
            "dcops-source/dcops/vendor/htmx/LICENSE",
        ]


def test_the_door_kiosk_shows_only_the_door(login):
    assert "/source.tar.gz" not in login(Role.security).get("/door").text

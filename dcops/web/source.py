"""The running code's source for everyone who uses dcops over a network (AGPL-3.0-or-later, section 13): an archive
of the package as this server runs it, so a changed dcops offers its changes too, with no address to keep current."""

from __future__ import annotations

import io
import tarfile
from functools import cache
from pathlib import Path

from litestar import get
from litestar.response import Response

import dcops
from dcops.auth.permissions import Perm

PACKAGE = Path(dcops.__file__).resolve().parent
BESIDE = ("LICENSE", "README.md", "pyproject.toml", "Makefile")  # in a checkout; a wheel keeps LICENSE in its metadata
NAME = "dcops-source"
# What the package is made of, and nothing else: a data folder that ends up inside it (`var/` is relative to where
# the server starts) holds the secret key, the database and uploaded documents, none of which may leave.
SOURCE_SUFFIXES = frozenset({".py", ".html", ".css", ".js", ".svg", ".ico", ".mako", ".md", ".po", ".txt"})
SOURCE_NAMES = frozenset({"LICENSE", "NOTICE", "SOURCE"})  # the vendored front-end files' licences and origins


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _is_source(path: Path) -> bool:
    return (
        path.is_file()
        and "__pycache__" not in path.parts
        and (path.suffix in SOURCE_SUFFIXES or path.name in SOURCE_NAMES)
    )


def build(package: Path) -> bytes:
    """The package's source files under `NAME/dcops/`, and the project's own files beside it where there are."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for path in sorted(filter(_is_source, package.rglob("*"))):
            tar.add(path, arcname=f"{NAME}/dcops/{path.relative_to(package).as_posix()}", filter=_anonymous)
        for name in BESIDE:
            if (package.parent / name).is_file():
                tar.add(package.parent / name, arcname=f"{NAME}/{name}", filter=_anonymous)
    return buffer.getvalue()


@cache
def archive() -> bytes:
    """Built once per process: the code does not change while it runs."""
    return build(PACKAGE)


# In the thread pool: the first request builds the archive (about a second), which would stop the event loop.
@get(
    "/source.tar.gz",
    name="source",
    opt={"perm": Perm.public, "uncompressed": True},
    include_in_schema=False,
    sync_to_thread=True,
)
def source() -> Response[bytes]:
    return Response(
        archive(),
        media_type="application/gzip",
        headers={"Content-Disposition": f'attachment; filename="{NAME}-{dcops.__version__}.tar.gz"'},
    )

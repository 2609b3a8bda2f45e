"""Route decorators for dcops: handlers do database I/O, so they run in the thread pool, never on the loop."""

from functools import partial
from typing import Any, TypeAlias

import litestar
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from sqlalchemy.orm import Session

Db: TypeAlias = NamedDependency[Session]  # the request's session (dcops.db.request_session)
Form: TypeAlias = URLEncodedBody[dict[str, Any]]  # an HTML form post: strings, a list where a name repeats

get = partial(litestar.get, sync_to_thread=True)
post = partial(litestar.post, sync_to_thread=True)
patch = partial(litestar.patch, sync_to_thread=True)
delete = partial(litestar.delete, sync_to_thread=True)

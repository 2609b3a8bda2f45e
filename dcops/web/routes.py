"""Route decorators for dcops: handlers do database I/O, so they run in the thread pool, never on the loop."""

from functools import partial

import litestar

get = partial(litestar.get, sync_to_thread=True)
post = partial(litestar.post, sync_to_thread=True)
patch = partial(litestar.patch, sync_to_thread=True)
delete = partial(litestar.delete, sync_to_thread=True)

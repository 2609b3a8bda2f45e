"""The Import page (admins and account managers): upload a NetBox export or device-type library files, preview
what would change and every problem, then import; the work runs in the background with its progress shown."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from dcops import crud
from dcops.auth.permissions import Perm
from dcops.errors import ValidationFailed
from dcops.i18n import _
from dcops.interop import jobs
from dcops.interop.guide import field_guide
from dcops.interop.models import ImportJob, JobStatus
from dcops.web.forms import render
from dcops.web.helpers import actor
from dcops.web.routes import Db, get, post

IMPORT = {"perm": Perm.inventory_import}
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _files(form: dict[str, Any]) -> list[tuple[str, bytes]]:
    """Every uploaded file of the form's `files` field (Litestar gives one or a list)."""
    uploads = form.get("files")
    uploads = uploads if isinstance(uploads, list) else [uploads] if uploads is not None else []
    found = []
    for upload in uploads:
        if isinstance(upload, str) or not getattr(upload, "filename", ""):
            continue
        upload.file.seek(0)
        found.append((upload.filename, upload.file.read(jobs.MAX_TOTAL_BYTES + 1)))
    return found


class ImportPages(Controller):
    path = "/import"

    @get("/", name="import", opt=IMPORT)
    def index(self, db: Db) -> Template:
        return render("interop/import.html", jobs=jobs.recent(db), kinds=jobs.KINDS, values={}, errors={})

    @get("/fields", name="import_fields", opt=IMPORT)
    def fields(self) -> Template:
        return render("interop/fields.html", guide=field_guide())

    @post("/", name="import_submit", opt=IMPORT, request_max_body_size=jobs.MAX_TOTAL_BYTES + 1_000_000)
    def submit(self, request: Request, db: Db, data: Upload) -> Redirect | Template:
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        try:
            contracts = jobs.parse_contracts(values.get("contracts", ""))
            job = jobs.submit(
                db,
                values.get("kind", ""),
                _files(data),
                actor(request),
                dry_run=values.get("action") != "import",
                contracts=contracts,
            )
        except ValidationFailed as exc:
            page = render(
                "interop/import.html", jobs=jobs.recent(db), kinds=jobs.KINDS, values=values, errors=exc.errors
            )
            page.status_code = 422
            return page
        return Redirect(f"/import/{job.id}", status_code=303)

    @get("/{job_id:int}", name="import_job", opt=IMPORT)
    def job(self, request: Request, db: Db, job_id: FromPath[int]) -> Template:
        job = crud.get(db, ImportJob, job_id)
        template = "interop/_job.html" if request.headers.get("hx-request") else "interop/job.html"
        return render(template, job=job, running=job.status in (JobStatus.queued, JobStatus.running))

    @post("/{job_id:int}/import", name="import_again", opt=IMPORT)
    def run_for_real(self, request: Request, db: Db, job_id: FromPath[int]) -> Redirect:
        job = crud.get(db, ImportJob, job_id)
        if not job.dry_run or job.status is not JobStatus.done or not (job.report or {}).get("ok"):
            raise ValidationFailed({"job": _("Only a preview that found no problem can be imported")})
        if not job.files:
            raise ValidationFailed(
                {"job": _("This preview's files were removed a week after it ran: upload them again")}
            )
        return Redirect(f"/import/{jobs.again(db, job, actor(request)).id}", status_code=303)

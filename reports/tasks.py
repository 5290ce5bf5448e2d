"""Building reports off the request: WeasyPrint takes seconds, a page must not wait for it."""

from django_tasks import task

from reports import workflow


@task()
def build_report(report_id):
    """Build one queued report. Returns the state it ended in ("ready" or "failed"), or None
    when there was nothing to do (built already, or taken by another worker)."""
    return workflow.build(report_id)

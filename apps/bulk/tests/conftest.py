import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Import sources and export files of a test live in its own folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def run_job():
    """Runs a job's task body the way the worker does (the test transaction never commits, so
    on_commit never queues it)."""
    from apps.bulk import services
    from apps.bulk.models import BulkJob

    def run(job_id: str) -> BulkJob:
        job = BulkJob.objects.get(pk=job_id)
        if job.kind == "import":
            services.import_job_run(job_id=job_id)
        else:
            services.export_job_run(job_id=job_id)
        job.refresh_from_db()
        return job

    return run


@pytest.fixture(autouse=True)
def export_rate_limit(settings):
    """The design's 10 exports a minute hold across tests (counters live in Redis): these tests
    export more often than that, and the limit itself is tested in apps/security."""
    settings.CRM_RATE_LIMIT_ENDPOINTS = [(r"^/v1/bulk/[^/]+/export/?$", 100_000)]

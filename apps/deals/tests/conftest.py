import pytest

from apps.accounts.models import Account
from apps.contacts.models import Contact
from apps.pipelines.models import Pipeline, Stage
from apps.pipelines.services import stage_slugify
from apps.tenants.services import DEFAULT_STAGES


@pytest.fixture
def design_records(tenant):
    """The records the design's bodies name: pipe_123 (the design's five stages), contact_456, account_789."""
    pipeline = Pipeline.objects.create(id="pipe_123", name="Sales Pipeline", description="Standard sales process")
    for name, order, probability, stage_type in DEFAULT_STAGES:
        Stage.objects.create(
            pipeline=pipeline,
            name=name,
            slug=stage_slugify(name),
            order=order,
            probability=probability,
            stage_type=stage_type,
        )
    account = Account.objects.create(id="account_789", name="Enterprise Corp")
    contact = Contact.objects.create(
        id="contact_456", first_name="John", last_name="Doe", email="john.doe@enterprise-corp.com", account=account
    )
    return {"pipeline": pipeline, "contact": contact, "account": account}

"""A stateful fake of the Azure ML service that the real azure-ai-ml SDK talks to over HTTP.

``FakeAzureML`` is an azure-core ``HttpTransport``; pass it as ``transport=`` (with
``retry_total=0``) to ``MLClient`` and every request the SDK makes is answered from in-memory
state. See ``tests.fakeml.transport`` for the full API.
"""

from tests.fakeml.credential import FakeCredential
from tests.fakeml.faults import Fault
from tests.fakeml.records import RecordedRequest
from tests.fakeml.state import FakeRegistry, FakeWorkspace
from tests.fakeml.transport import FakeAzureML

__all__ = ["FakeAzureML", "FakeCredential", "FakeRegistry", "FakeWorkspace", "Fault", "RecordedRequest"]

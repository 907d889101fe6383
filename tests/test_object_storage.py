"""Files on an S3-compatible object store (issue 22, several hosts): the storages
production builds from ``LMS_S3_*`` (``lms.object_storage.s3_storages``), run
against a real S3 server on the loopback (moto's server mode, a separate process
speaking the S3 protocol over HTTP). Two storage objects stand for two hosts:
what one writes, the other reads."""

import contextlib
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from lms.private_files import download_response

BUCKET = "relais-test"
REGION = "eu-west-3"
CREDENTIALS = {
    "region_name": REGION,
    "aws_access_key_id": "relais",
    "aws_secret_access_key": "relais-secret",
}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    server = shutil.which("moto_server", path=str(Path(sys.executable).parent))
    if server is None:
        pytest.skip("moto[server] is not installed (the dev extra has it)")
    port = _free_port()
    process = subprocess.Popen(
        [server, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(requests.RequestException):
                requests.get(endpoint, timeout=1)
                break
            time.sleep(0.1)
        import boto3

        boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def hosts(s3_server):
    """The storages of two hosts, built as production builds them."""
    from lms.object_storage import s3_storages

    config = s3_storages(
        BUCKET,
        endpoint_url=s3_server,
        region_name=REGION,
        access_key=CREDENTIALS["aws_access_key_id"],
        secret_key=CREDENTIALS["aws_secret_access_key"],
    )
    return [
        {name: storages.create_storage(entry) for name, entry in config.items()}
        for _host in range(2)
    ]


def test_what_one_host_writes_the_other_reads_and_private_files_have_no_url(hosts):
    a, b = hosts
    name = a["private"].save("skills/evidence/certificat.pdf", ContentFile(b"%PDF"))
    assert b["private"].exists(name)
    with b["private"].open(name, "rb") as stored:
        assert stored.read() == b"%PDF"
    with pytest.raises(ValueError, match="no URL"):
        a["private"].url(name)
    with pytest.raises(ValueError, match="no URL"):
        a["packages"].url(a["packages"].save("h5p/x.json", ContentFile(b"{}")))

    # A name taken is never overwritten: someone else's file stays theirs.
    again = b["private"].save("skills/evidence/certificat.pdf", ContentFile(b"other"))
    assert again != name
    with a["private"].open(name, "rb") as stored:
        assert stored.read() == b"%PDF"

    # The download view's response streams it from the store.
    field_file = type("F", (), {"open": lambda self, mode: b["private"].open(name)})()
    response = download_response(field_file, "certificat.pdf")
    assert b"".join(response.streaming_content) == b"%PDF"
    assert response["Content-Disposition"].startswith("attachment")

    b["private"].delete(name)
    assert not a["private"].exists(name)


def test_public_media_are_served_by_signed_expiring_urls(hosts):
    a, _b = hosts
    name = a["default"].save("images/logo.png", ContentFile(b"\x89PNG"))
    url = a["default"].url(name)
    assert "Signature=" in url and "Expires=" in url
    assert requests.get(url, timeout=5).content == b"\x89PNG"
    unsigned = url.split("?")[0]
    assert requests.get(unsigned, timeout=5).status_code == 403

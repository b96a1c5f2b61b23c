"""A local S3-compatible server for the tests of documents kept in a
bucket: moto's server, spoken to by the same client (django-storages and
boto3) as production speaks to MinIO, Ceph, AWS S3 or OSS."""

import logging
import uuid
from dataclasses import dataclass

import boto3
from moto.server import ThreadedMotoServer

from config.storage import bucket_storage

REGION = "us-east-1"
# The local server accepts any credentials; boto3 must not look for real ones.
ACCESS_KEY_ID = "biobridge-test"
SECRET_ACCESS_KEY = "biobridge-test-secret"


class S3Server:
    """The server on a free port of the loopback interface, in a thread of
    the test process."""

    def __init__(self):
        # Its request log would fill the output of every failing test.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)

    def start(self):
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def stop(self):
        self._server.stop()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
        )

    def new_bucket(self) -> "Bucket":
        name = f"biobridge-test-{uuid.uuid4().hex[:16]}"
        client = self.client()
        client.create_bucket(Bucket=name)
        return Bucket(name=name, endpoint_url=self.endpoint_url, client=client)


@dataclass
class Bucket:
    name: str
    endpoint_url: str
    client: object

    def storage(self) -> dict:
        """The ``STORAGES`` entry of this bucket, as the settings build it
        from S3_BUCKET and the other S3_* variables."""
        return bucket_storage(
            bucket=self.name,
            endpoint_url=self.endpoint_url,
            region=REGION,
            access_key_id=ACCESS_KEY_ID,
            secret_access_key=SECRET_ACCESS_KEY,
        )

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def object_address(self, key: str) -> str:
        """The object's plain (unsigned) address on the server."""
        return f"{self.endpoint_url}/{self.name}/{key}"

"""Where uploaded documents and generated files are kept: on local disk
under ``MEDIA_ROOT``, or in a bucket of any S3-compatible object storage
(MinIO, Ceph, AWS S3, Alibaba OSS in S3 mode) when ``S3_BUCKET`` is set.

The settings of every environment, and the tests that run against a local
S3 server, build the storage here, so both speak to a bucket the same way.
"""

DISK = {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def bucket_storage(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region: str = "us-east-1",
    access_key_id: str | None = None,
    secret_access_key: str | None = None,
    addressing_style: str = "path",
) -> dict:
    """The ``STORAGES`` entry of a private bucket. Objects get no ACL, so
    they inherit the bucket's (private) policy; a URL of an object is only
    ever a signed one, never a public address; and an upload never replaces
    another object of the same name. BioBridge does not hand out URLs of
    objects at all: downloads stream through its views, which check
    permissions first (docs/deployment.md, "Object storage")."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region,
            "access_key": access_key_id or None,
            "secret_key": secret_access_key or None,
            "addressing_style": addressing_style,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }


def bucket_from_env(env) -> dict | None:
    """The bucket named by ``S3_BUCKET`` and the other ``S3_*`` variables;
    None when it is unset."""
    bucket = env("S3_BUCKET", default="")
    if not bucket:
        return None
    return bucket_storage(
        bucket=bucket,
        endpoint_url=env("S3_ENDPOINT_URL", default=""),
        region=env("S3_REGION", default="us-east-1"),
        access_key_id=env("S3_ACCESS_KEY_ID", default=""),
        secret_access_key=env("S3_SECRET_ACCESS_KEY", default=""),
        addressing_style=env("S3_ADDRESSING_STYLE", default="path"),
    )

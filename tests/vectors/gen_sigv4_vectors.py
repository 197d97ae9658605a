#!/usr/bin/env python3
"""Known-answer SigV4 signatures for GetFuotaTask, produced by botocore (an independent signer).

Run: python3 tests/vectors/gen_sigv4_vectors.py > tests/vectors/sigv4.json
The test command re-runs it and fails if the committed file differs, so the vectors stay botocore's.
"""
import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

DEMO = ("ASIADEMOLOCALENDPOINT", "demo/local/endpoint/secret/key/not/a/real/one", "demo-local-session-token")
CASES = [
    # name, credentials, region, url, epoch seconds
    ("aws-endpoint", ("ASIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLETOKEN/+=="),
     "us-east-1", "https://api.iotwireless.us-east-1.amazonaws.com/fuota-tasks/abc-123", 1700000000),
    ("long-lived-key-no-token", ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None),
     "eu-west-1", "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks/abc-123", 1764126624),
    ("slash-in-id", DEMO, "us-east-1", "http://127.0.0.1:8081/fuota-tasks/a%2Fb", 1764126624),
    ("space-plus-percent-in-id", DEMO, "us-east-1", "http://127.0.0.1:8081/fuota-tasks/a%20b%2Bc%25d", 1764126624),
    ("unicode-id", DEMO, "ap-northeast-1", "https://api.iotwireless.ap-northeast-1.amazonaws.com/fuota-tasks/%C3%A9t%C3%A9", 1764126624),
    ("unreserved-id", DEMO, "ap-southeast-2", "https://api.iotwireless.ap-southeast-2.amazonaws.com/fuota-tasks/A-z_0.9~", 1764126624),
    ("local-endpoint-port", DEMO, "us-east-1", "http://127.0.0.1:8081/fuota-tasks/demo-in-session", 1764126624),
    ("china-partition", DEMO, "cn-north-1", "https://api.iotwireless.cn-north-1.amazonaws.com.cn/fuota-tasks/x", 1600000000),
    ("leap-day", DEMO, "us-west-2", "https://api.iotwireless.us-west-2.amazonaws.com/fuota-tasks/leap", 1709164800),
    ("list-with-query", DEMO, "us-east-1", "http://127.0.0.1:8081/fuota-tasks?maxResults=2&nextToken=page-2", 1764126624),
]


def sign(creds, region, url, epoch):
    ak, sk, token = creds
    request = AWSRequest(method="GET", url=url)
    when = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        botocore.auth.SigV4Auth(Credentials(ak, sk, token), "iotwireless", region).add_auth(request)
    return {k.lower(): v for k, v in request.headers.items()}


def main():
    vectors = []
    for name, creds, region, url, epoch in CASES:
        vectors.append({
            "name": name,
            "access_key_id": creds[0],
            "secret_access_key": creds[1],
            "session_token": creds[2],
            "region": region,
            "url": url,
            "epoch_seconds": epoch,
            "headers": sign(creds, region, url, epoch),
        })
    json.dump({"generator": f"botocore {botocore.__version__}", "vectors": vectors}, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""botocore's SigV4 canonical requests for requests as they arrive on the wire.

The local endpoint's verifier must canonicalise exactly as botocore does, so that it refuses what
botocore's own signature check would refuse: a referee that is more lenient than the real thing
hides bugs (a trailing `&` that one signer keeps and another drops, a `+` left raw).

Run: python3 tests/vectors/gen_canonical_vectors.py > tests/vectors/canonical.json
The test command re-runs it and fails if the committed file differs; the local endpoint's native
tests read the file and compare their canonical request with botocore's, case by case.
"""
import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

DEMO = Credentials("ASIADEMOLOCALENDPOINT", "demo/local/endpoint/secret/key/not/a/real/one", "demo-local-session-token")
HOST = "http://127.0.0.1:8081"
JSON = {"Content-Type": "application/json"}
CASES = [
    # name, method, path and query exactly as sent, extra headers, body
    ("get-task", "GET", "/fuota-tasks/demo-in-session", {}, b""),
    ("slash-in-label", "GET", "/fuota-tasks/a%2Fb%20c", {}, b""),
    ("unicode-label", "GET", "/fuota-tasks/%C3%A9t%C3%A9", {}, b""),
    ("list-sorted", "GET", "/wireless-devices?maxResults=250&fuotaTaskId=t1", {}, b""),
    # gloo-net 0.6's request builder appended this `&`: botocore keeps it as an empty parameter.
    ("trailing-ampersand", "GET", "/wireless-devices?fuotaTaskId=t1&maxResults=250&", {}, b""),
    ("leading-ampersand", "GET", "/fuota-tasks?&maxResults=250", {}, b""),
    ("token-encoded", "GET", "/fuota-tasks?maxResults=250&nextToken=5%2Ba1b2%2F%3D", {}, b""),
    # A raw `+` or `/` stays as it was sent: botocore does not re-encode a query it finds in the URL.
    ("token-raw-plus", "GET", "/fuota-tasks?maxResults=250&nextToken=5+a1b2/=", {}, b""),
    ("name-without-value", "GET", "/fuota-tasks?maxResults", {}, b""),
    ("repeated-name", "GET", "/fuota-tasks?b=2&a=2&a=1", {}, b""),
    ("empty-query", "GET", "/fuota-tasks?", {}, b""),
    ("gateway-by-id", "GET", "/wireless-gateways/gw-1?identifierType=WirelessGatewayId", {}, b""),
    ("create", "POST", "/fuota-tasks", JSON,
     b'{"ClientRequestToken":"a-1","FirmwareUpdateImage":"s3://b/k","FirmwareUpdateRole":"arn:aws:iam::1:role/r","Name":"fw v2"}'),
    ("start", "PUT", "/fuota-tasks/t%2F1", JSON, b'{"LoRaWAN":{"StartTime":"2026-12-03T10:00:00Z"}}'),
    ("update", "PATCH", "/fuota-tasks/t1", JSON, b'{"FragmentSizeBytes":50}'),
    ("associate", "PUT", "/fuota-tasks/t1/multicast-group", JSON, b'{"MulticastGroupId":"g1"}'),
    ("delete", "DELETE", "/fuota-tasks/t1", {}, b""),
    ("disassociate", "DELETE", "/fuota-tasks/t1/wireless-devices/d%201", {}, b""),
    ("header-spaces", "PUT", "/fuota-tasks/t1", {"Content-Type": "  application/json ;  charset=utf-8 "}, b"{}"),
    # A query list (UntagResource's tagKeys): the name repeated, sorted by the encoded value, so
    # `a%2Fb` before `a.b` before `b`, whatever order they were sent in; the ARN encoded.
    ("untag-repeated-keys", "DELETE",
     "/tags?resourceArn=arn%3Aaws%3Aiotwireless%3Aus-east-1%3A123456789012%3AFuotaTask%2Ft1&tagKeys=b&tagKeys=a.b&tagKeys=a%2Fb", {}, b""),
    ("tag-post", "POST", "/tags?resourceArn=arn%3Aaws%3Aiotwireless%3Aus-east-1%3A123456789012%3AMulticastGroup%2Fg1", JSON,
     b'{"Tags":[{"Key":"fuota-rollout:v","Value":"1"}]}'),
]
WHEN = datetime.datetime(2025, 11, 26, 3, 10, 24)  # 1764126624, as in sigv4.json


class Recording(botocore.auth.SigV4Auth):
    """botocore's signer, keeping the canonical request it signed."""

    def canonical_request(self, request):
        self.recorded = super().canonical_request(request)
        return self.recorded


def canonical(method, path_and_query, headers, body):
    request = AWSRequest(method=method, url=HOST + path_and_query, data=body, headers=dict(headers))
    auth = Recording(DEMO, "iotwireless", "us-east-1")
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN):
        auth.add_auth(request)
    return auth.recorded, {k.lower(): v for k, v in request.headers.items()}


def main():
    vectors = []
    for name, method, path_and_query, headers, body in CASES:
        text, sent = canonical(method, path_and_query, headers, body)
        vectors.append({
            "name": name,
            "method": method,
            "path_and_query": path_and_query,
            "headers": sent,
            "body": body.decode(),
            "canonical_request": text,
        })
    json.dump({"generator": f"botocore {botocore.__version__}", "host": HOST, "vectors": vectors}, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

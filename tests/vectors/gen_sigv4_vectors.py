#!/usr/bin/env python3
"""Known-answer SigV4 signatures of the console's requests, reads and writes with their JSON bodies,
produced by botocore (an independent signer).

Run: python3 tests/vectors/gen_sigv4_vectors.py > tests/vectors/sigv4.json
The test command re-runs it and fails if the committed file differs, so the vectors stay botocore's.
"""
import datetime
import json
import sys
from unittest import mock

import botocore
import botocore.auth
import botocore.serialize
import botocore.session
from botocore.awsrequest import AWSRequest, prepare_request_dict
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
    # A page token as the service writes them (base64: + / =), strictly encoded in the query.
    ("list-token-plus-slash-equals", DEMO, "us-east-1",
     "http://127.0.0.1:8081/wireless-devices?fuotaTaskId=t%201&maxResults=250&nextToken=5%2Ba1b2%2F%3D", 1764126624),
]
# The writes of the FUOTA task lifecycle: method, URL, exact body (application/json).
WRITES = [
    ("create-post", "POST", "https://api.iotwireless.eu-west-1.amazonaws.com/fuota-tasks",
     '{"ClientRequestToken":"3f1c-9a_b","FirmwareUpdateImage":"s3://fw/v2.bin","FirmwareUpdateRole":"arn:aws:iam::123456789012:role/fuota","FragmentSizeBytes":50,"Name":"fw v2 \u00e9t\u00e9","RedundancyPercent":25}'),
    ("start-put", "PUT", "http://127.0.0.1:8081/fuota-tasks/a%2Fb", '{"LoRaWAN":{"StartTime":"2026-12-03T10:00:00Z"}}'),
    ("update-patch", "PATCH", "http://127.0.0.1:8081/fuota-tasks/t1", '{"Description":"\u00e9 ünïcode","FragmentIntervalMS":2000}'),
    ("associate-put", "PUT", "http://127.0.0.1:8081/fuota-tasks/t1/multicast-group", '{"MulticastGroupId":"g+1/2="}'),
    ("delete", "DELETE", "http://127.0.0.1:8081/fuota-tasks/t%201", None),
    ("disassociate-delete", "DELETE", "http://127.0.0.1:8081/fuota-tasks/t1/wireless-devices/d%2B1", None),
    ("empty-object-body", "PATCH", "http://127.0.0.1:8081/fuota-tasks/t1", "{}"),
]

# A rollout's operations as botocore serialises them from the service model: its URL (labels
# encoded, a query list such as UntagResource's `tagKeys` sent as the name repeated, the ARN
# percent-encoded) and the body signed as the console sends it (compact JSON with sorted keys;
# botocore's own spacing differs). `core/tests/sigv4_botocore.rs` builds each from `params` with the
# console's builder and must reach the same signature; `a.b` and `a/b` sort one way as text and the
# other way encoded, which SigV4 sorts by.
ARN = "arn:aws:iotwireless:us-east-1:123456789012:FuotaTask/t+1"
OPERATIONS = [
    ("untag-repeated-keys", "UntagResource", {"ResourceArn": ARN, "TagKeys": ["b", "a.b", "a/b", "fuota-rollout:v", "a b"]}),
    ("tag-resource", "TagResource",
     {"ResourceArn": ARN, "Tags": [{"Key": "fuota-rollout:id", "Value": "r-1"}, {"Key": "a b", "Value": "x/y =@"}]}),
    ("list-tags", "ListTagsForResource", {"ResourceArn": ARN.replace("FuotaTask", "MulticastGroup")}),
    ("create-multicast-group", "CreateMulticastGroup",
     {"ClientRequestToken": "0123abcd", "Name": "wave-1", "LoRaWAN": {"RfRegion": "EU868", "DlClass": "ClassC"},
      "Tags": [{"Key": "fuota-rollout:wave", "Value": "1"}]}),
    ("associate-device-with-group", "AssociateWirelessDeviceWithMulticastGroup", {"Id": "g/1", "WirelessDeviceId": "d 1"}),
    ("disassociate-device-from-group", "DisassociateWirelessDeviceFromMulticastGroup", {"Id": "g1", "WirelessDeviceId": "d/1"}),
    ("delete-multicast-group", "DeleteMulticastGroup", {"Id": "g1"}),
    ("list-devices-by-profile", "ListWirelessDevices", {"DeviceProfileId": "dp/1", "MaxResults": 250}),
]


def serialised(operation, params, host="http://127.0.0.1:8081"):
    """The method, URL and console-style body of `operation` with `params`, as botocore builds it."""
    model = botocore.session.get_session().get_service_model("iotwireless").operation_model(operation)
    request = botocore.serialize.create_serializer("rest-json", include_validation=True).serialize_to_request(params, model)
    prepare_request_dict(request, host)
    body_members = {k: v for k, v in params.items() if "location" not in model.input_shape.members[k].serialization}
    body = json.dumps(body_members, separators=(",", ":"), sort_keys=True, ensure_ascii=False) if request["body"] else None
    return request["method"], request["url"], body


def sign(creds, region, url, epoch, method="GET", body=None):
    ak, sk, token = creds
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = AWSRequest(method=method, url=url, data=(body or "").encode(), headers=headers)
    when = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=when):
        botocore.auth.SigV4Auth(Credentials(ak, sk, token), "iotwireless", region).add_auth(request)
    return {k.lower(): v for k, v in request.headers.items()}


def vector(name, creds, region, url, epoch, method="GET", body=None):
    return {
        "name": name,
        "access_key_id": creds[0],
        "secret_access_key": creds[1],
        "session_token": creds[2],
        "region": region,
        "url": url,
        "epoch_seconds": epoch,
        "method": method,
        "body": body,
        "headers": sign(creds, region, url, epoch, method, body),
    }


def main():
    vectors = [vector(name, creds, region, url, epoch) for name, creds, region, url, epoch in CASES]
    for name, method, url, body in WRITES:
        region = "eu-west-1" if "eu-west-1" in url else "us-east-1"
        vectors.append(vector(name, DEMO, region, url, 1764126624, method, body))
    for name, operation, params in OPERATIONS:
        method, url, body = serialised(operation, params)
        vectors.append({**vector(name, DEMO, "us-east-1", url, 1764126624, method, body), "operation": operation, "params": params})
    json.dump({"generator": f"botocore {botocore.__version__}", "vectors": vectors}, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

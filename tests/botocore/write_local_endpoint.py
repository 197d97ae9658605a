"""A real AWS client runs the whole FUOTA task lifecycle against the local endpoint.

botocore signs each write with its own SigV4 (over the JSON body it serialises from the service
model), sends it, parses the answer with the model, and reads the result back: create (twice with
the same token: one task), update, associate and disassociate, the status rules (ConflictException,
ValidationException), start, delete. Usage: write_local_endpoint.py API_URL
"""
import datetime
import sys

import botocore.config
import botocore.session
from botocore.exceptions import ClientError

DEMO = dict(
    aws_access_key_id="ASIADEMOLOCALENDPOINT",
    aws_secret_access_key="demo/local/endpoint/secret/key/not/a/real/one",
    aws_session_token="demo-local-session-token",
)
GROUP = "mcg-sensors-eu868"
DEVICE = "demo-pending-dev-00001"  # a device of the account (the endpoint refuses unknown ones)


def code_of(call, **params):
    try:
        call(**params)
    except ClientError as e:
        return e.response["Error"]["Code"]
    return "ok"


def main(api):
    client = botocore.session.get_session().create_client(
        "iotwireless", region_name="us-east-1", endpoint_url=api,
        config=botocore.config.Config(retries={"max_attempts": 1}), **DEMO,
    )
    create = dict(
        Name="botocore-fw-1.0", Description="made by botocore", ClientRequestToken="botocore-lifecycle-1",
        LoRaWAN={"RfRegion": "EU868"}, FirmwareUpdateImage="s3://fuota-demo-firmware/botocore.bin",
        FirmwareUpdateRole="arn:aws:iam::123456789012:role/IoTWirelessFuotaRole",
        RedundancyPercent=25, FragmentSizeBytes=50, FragmentIntervalMS=1000, Descriptor="djEuMA==",
        Tags=[{"Key": "team", "Value": "firmware"}],
    )
    first = client.create_fuota_task(**create)
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 201, first
    again = client.create_fuota_task(**create)
    assert again["Id"] == first["Id"], "the same token and members: the same task"
    assert code_of(client.create_fuota_task, **{**create, "Name": "other"}) == "ConflictException"
    assert code_of(client.create_fuota_task, **{**create, "ClientRequestToken": "botocore-bad-1", "RedundancyPercent": 101}) == "ValidationException"
    task_id = first["Id"]

    task = client.get_fuota_task(Id=task_id)
    assert (task["Status"], task["Name"], task["FragmentSizeBytes"], task["LoRaWAN"]["RfRegion"]) == ("Pending", "botocore-fw-1.0", 50, "EU868"), task
    assert isinstance(task["CreatedAt"], datetime.datetime)
    listed = client.list_fuota_tasks(MaxResults=250)
    ids = [t["Id"] for t in listed["FuotaTaskList"]]
    token = listed.get("NextToken")
    while token:
        page = client.list_fuota_tasks(MaxResults=250, NextToken=token)
        ids += [t["Id"] for t in page["FuotaTaskList"]]
        token = page.get("NextToken")
    assert task_id in ids, "the new task is listed"

    assert client.update_fuota_task(Id=task_id, FragmentSizeBytes=40)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.get_fuota_task(Id=task_id)["FragmentSizeBytes"] == 40
    assert client.associate_multicast_group_with_fuota_task(Id=task_id, MulticastGroupId=GROUP)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [g["Id"] for g in client.list_multicast_groups_by_fuota_task(Id=task_id)["MulticastGroupList"]] == [GROUP]
    assert code_of(client.associate_wireless_device_with_fuota_task, Id=task_id, WirelessDeviceId=DEVICE) == "ConflictException", "devices or groups, not both"
    assert client.disassociate_multicast_group_from_fuota_task(Id=task_id, MulticastGroupId=GROUP)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.associate_wireless_device_with_fuota_task(Id=task_id, WirelessDeviceId=DEVICE)["ResponseMetadata"]["HTTPStatusCode"] == 204
    devices = client.list_wireless_devices(FuotaTaskId=task_id)["WirelessDeviceList"]
    assert [(d["Id"], d["FuotaDeviceStatus"]) for d in devices] == [(DEVICE, "Initial")], devices
    assert code_of(client.associate_wireless_device_with_fuota_task, Id=task_id, WirelessDeviceId="no-such-device") == "ResourceNotFoundException"
    try:
        client.associate_wireless_device_with_fuota_task(Id=task_id, WirelessDeviceId="no-such-device")
        raise AssertionError("an unknown device must be an error")
    except client.exceptions.ResourceNotFoundException as e:
        assert (e.response["ResourceId"], e.response["ResourceType"]) == ("no-such-device", "WirelessDevice"), e.response
    # A throttled device: three ThrottlingExceptions, then associated. Asked by a client that does
    # not retry (`max_attempts` above is one retry), to see each answer.
    once = botocore.session.get_session().create_client(
        "iotwireless", region_name="us-east-1", endpoint_url=api,
        config=botocore.config.Config(retries={"total_max_attempts": 1}), **DEMO,
    )
    throttled = [code_of(once.associate_wireless_device_with_fuota_task, Id=task_id, WirelessDeviceId="fault-throttled-botocore") for _ in range(4)]
    assert throttled == ["ThrottlingException"] * 3 + ["ok"], throttled
    assert client.disassociate_wireless_device_from_fuota_task(Id=task_id, WirelessDeviceId="fault-throttled-botocore")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.disassociate_wireless_device_from_fuota_task(Id=task_id, WirelessDeviceId=DEVICE)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.associate_multicast_group_with_fuota_task(Id=task_id, MulticastGroupId=GROUP)["ResponseMetadata"]["HTTPStatusCode"] == 204
    groups = client.list_multicast_groups(MaxResults=250)["MulticastGroupList"]
    assert GROUP in [g["Id"] for g in groups], groups

    now = datetime.datetime.now(datetime.timezone.utc)
    too_soon = now + datetime.timedelta(minutes=20)
    assert code_of(client.start_fuota_task, Id=task_id, LoRaWAN={"StartTime": too_soon}) == "ValidationException"
    later = now + datetime.timedelta(minutes=35)
    assert client.start_fuota_task(Id=task_id, LoRaWAN={"StartTime": later})["ResponseMetadata"]["HTTPStatusCode"] == 204
    started = client.get_fuota_task(Id=task_id)
    assert started["Status"] == "FuotaSession_Waiting", started["Status"]
    members = client.list_wireless_devices(FuotaTaskId=task_id)["WirelessDeviceList"]
    assert len(members) == 8 and all(m["FuotaDeviceStatus"] == "Initial" and len(m["LoRaWAN"]["DevEui"]) == 16 for m in members), members
    assert abs((started["LoRaWAN"]["StartTime"] - later).total_seconds()) < 1
    assert code_of(client.update_fuota_task, Id=task_id, Name="too late") == "ConflictException"
    assert code_of(client.associate_multicast_group_with_fuota_task, Id=task_id, MulticastGroupId=GROUP) == "ConflictException"

    assert client.delete_fuota_task(Id=task_id)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.get_fuota_task(Id=task_id)["Status"] == "Delete_Waiting"
    assert code_of(client.update_fuota_task, Id="no-such-task", Name="x") == "ResourceNotFoundException"
    print("botocore ran every write of the lifecycle against the local endpoint and read each result back")


if __name__ == "__main__":
    main(sys.argv[1])

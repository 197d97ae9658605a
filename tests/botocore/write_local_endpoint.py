"""A real AWS client runs the whole FUOTA task lifecycle against the local endpoint.

botocore signs each write with its own SigV4 (over the JSON body it serialises from the service
model), sends it, parses the answer with the model, and reads the result back: create (twice with
the same token: one task), update, associate and disassociate, the status rules (ConflictException,
ValidationException), start, delete. Then a rollout's writes: a multicast group made with tags, a
fleet's devices in it (their RF region, at most 4 groups a device), a task's tags written, read back
exactly and removed (UntagResource's `tagKeys` is a query list), the group deleted once no session
holds it, a fleet listed by device profile. Usage: write_local_endpoint.py API_URL
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
    rollout(client)
    print("botocore ran every write of the lifecycle and of a rollout against the local endpoint and read each result back")


def rollout(client):
    """A rollout's wave, as the console will write it: its group, the group's devices, the tags."""
    wave_tags = [{"Key": "fuota-rollout:v", "Value": "1"}, {"Key": "fuota-rollout:wave", "Value": "1"}]
    group_request = dict(ClientRequestToken="botocore-wave-1", Name="botocore-wave-1", Description="a rollout's first wave",
                         LoRaWAN={"RfRegion": "EU868", "DlClass": "ClassC"}, Tags=wave_tags)
    made = client.create_multicast_group(**group_request)
    assert made["ResponseMetadata"]["HTTPStatusCode"] == 201, made
    assert made["Arn"] == f"arn:aws:iotwireless:us-east-1:123456789012:MulticastGroup/{made['Id']}", made
    group = made["Id"]
    assert client.create_multicast_group(**group_request)["Id"] == group, "the same token and members: the same group"
    assert code_of(client.create_multicast_group, **{**group_request, "Name": "other"}) == "ConflictException"
    assert code_of(client.create_multicast_group, LoRaWAN={"RfRegion": "EU868", "DlClass": "ClassA"}) == "ValidationException"
    assert code_of(client.create_multicast_group, LoRaWAN={"RfRegion": "EU869", "DlClass": "ClassC"}) == "ValidationException"
    assert client.list_tags_for_resource(ResourceArn=made["Arn"])["Tags"] == wave_tags, "the create's tags, exactly"
    read = client.get_multicast_group(Id=group)
    assert (read["Name"], read["LoRaWAN"]["RfRegion"], read["LoRaWAN"]["DlClass"], read["LoRaWAN"]["NumberOfDevicesInGroup"]) == ("botocore-wave-1", "EU868", "ClassC", 0), read

    devices = [f"fleet-good-dev-{n:05}" for n in range(5)]
    for device in devices:
        answer = client.associate_wireless_device_with_multicast_group(Id=group, WirelessDeviceId=device)
        assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204, answer
    members = client.list_wireless_devices(MulticastGroupId=group)["WirelessDeviceList"]
    assert [m["Id"] for m in members] == devices, members
    assert code_of(client.associate_wireless_device_with_multicast_group, Id=group, WirelessDeviceId="demo-10k-dev-00001") == "ValidationException", "a US915 device"
    assert code_of(client.associate_wireless_device_with_multicast_group, Id=group, WirelessDeviceId="no-such-device") == "ResourceNotFoundException"
    assert code_of(client.associate_wireless_device_with_multicast_group, Id="no-such-group", WirelessDeviceId=devices[0]) == "ResourceNotFoundException"
    # devices[0] is in its fleet's group and the wave's: two more make four, TS005's most; a fifth is refused.
    extra = [client.create_multicast_group(LoRaWAN={"RfRegion": "EU868", "DlClass": "ClassB"})["Id"] for _ in range(3)]
    for other in extra[:2]:
        assert client.associate_wireless_device_with_multicast_group(Id=other, WirelessDeviceId=devices[0])["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert code_of(client.associate_wireless_device_with_multicast_group, Id=extra[2], WirelessDeviceId=devices[0]) == "ConflictException"
    for other in extra:
        assert client.delete_multicast_group(Id=other)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert code_of(client.get_multicast_group, Id=extra[0]) == "ResourceNotFoundException"
    left = client.disassociate_wireless_device_from_multicast_group(Id=group, WirelessDeviceId=devices[4])
    assert left["ResponseMetadata"]["HTTPStatusCode"] == 204, left
    assert code_of(client.disassociate_wireless_device_from_multicast_group, Id=group, WirelessDeviceId=devices[4]) == "ResourceNotFoundException"

    # The wave's task: its tags written, read back exactly, some removed by key (a query list,
    # with keys whose encodings sort otherwise than they do: `a/b` and `a.b`).
    task = client.create_fuota_task(
        Name="botocore-wave-1", ClientRequestToken="botocore-wave-1-task", LoRaWAN={"RfRegion": "EU868"},
        FirmwareUpdateImage="s3://fuota-demo-firmware/botocore.bin",
        FirmwareUpdateRole="arn:aws:iam::123456789012:role/IoTWirelessFuotaRole", Tags=[{"Key": "team", "Value": "firmware"}],
    )
    assert client.associate_multicast_group_with_fuota_task(Id=task["Id"], MulticastGroupId=group)["ResponseMetadata"]["HTTPStatusCode"] == 204
    more = wave_tags + [{"Key": "a/b", "Value": "x y"}, {"Key": "a.b", "Value": "=+@:"}, {"Key": "team", "Value": "radio"}]
    assert client.tag_resource(ResourceArn=task["Arn"], Tags=more)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.list_tags_for_resource(ResourceArn=task["Arn"])["Tags"] == [{"Key": "team", "Value": "radio"}] + more[:-1], "merged, exactly"
    assert client.untag_resource(ResourceArn=task["Arn"], TagKeys=["a/b", "a.b", "team"])["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.list_tags_for_resource(ResourceArn=task["Arn"])["Tags"] == wave_tags
    assert code_of(client.tag_resource, ResourceArn=task["Arn"], Tags=[{"Key": "aws:reserved", "Value": "x"}]) == "ValidationException"
    assert code_of(client.tag_resource, ResourceArn=task["Arn"], Tags=[{"Key": f"k{n}", "Value": ""} for n in range(49)]) == "TooManyTagsException"
    assert code_of(client.list_tags_for_resource, ResourceArn="arn:aws:iotwireless:us-east-1:123456789012:MulticastGroup/no-such-group") == "ResourceNotFoundException"

    # Started, the task holds the group: it cannot be deleted until the task is done.
    start = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=35)
    assert client.start_fuota_task(Id=task["Id"], LoRaWAN={"StartTime": start})["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert code_of(client.delete_multicast_group, Id=group) == "ConflictException"
    assert code_of(client.delete_multicast_group, Id="mcg-sensors-eu868") == "ConflictException", "demo-in-session is in its session"

    fleet = []
    token = None
    while True:
        page = client.list_wireless_devices(DeviceProfileId="dp-fleet-bad-eu868", MaxResults=25, **({"NextToken": token} if token else {}))
        fleet += page["WirelessDeviceList"]
        token = page.get("NextToken")
        if not token:
            break
    assert [d["Id"] for d in fleet] == [f"fleet-bad-dev-{n:05}" for n in range(60)], fleet[:2]


if __name__ == "__main__":
    main(sys.argv[1])

//! aws-sigv4, as the console calls it, must sign exactly as botocore does (tests/vectors/sigv4.json):
//! reads with their query strings, and writes (POST, PUT, PATCH, DELETE) with their exact bodies.

use fuota_core::wire::signing::{sign_request, time_from_epoch_millis};
use fuota_core::TemporaryCredentials;
use serde_json::Value;

const VECTORS: &str = include_str!("../../tests/vectors/sigv4.json");

#[test]
fn every_botocore_vector_is_reproduced() {
    let file: Value = serde_json::from_str(VECTORS).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 18, "the vector file lost its cases");
    for v in vectors {
        let name = v["name"].as_str().unwrap();
        let creds = TemporaryCredentials::new(
            v["access_key_id"].as_str().unwrap(),
            v["secret_access_key"].as_str().unwrap(),
            v["session_token"].as_str().unwrap_or(""),
        )
        .unwrap();
        let time = time_from_epoch_millis(v["epoch_seconds"].as_f64().unwrap() * 1000.0).unwrap();
        let (method, body) = (v["method"].as_str().unwrap(), v["body"].as_str());
        let headers = sign_request(method, v["url"].as_str().unwrap(), body, &creds, v["region"].as_str().unwrap(), time).unwrap().headers;
        let expected = v["headers"].as_object().unwrap();
        assert_eq!(headers.len(), expected.len(), "{name}: header count");
        for h in &headers {
            assert_eq!(Some(h.value.as_str()), expected[&h.name].as_str(), "{name}: {}", h.name);
        }
    }
}

/// A rollout's operations as botocore serialises them from the service model (the vectors with an
/// `operation`): each is built from the same `params` with the console's builder, and must be the
/// same request — method, path, the same query pairs (UntagResource's `tagKeys` repeated, the ARN
/// encoded), the body — and reach botocore's signature.
#[test]
fn the_rollouts_builders_make_botocores_requests() {
    use fuota_core::wire::request::{DeviceSource, NewMulticastGroup, PageRequest, Request};
    let file: Value = serde_json::from_str(VECTORS).unwrap();
    let vectors: Vec<&Value> = file["vectors"].as_array().unwrap().iter().filter(|v| v.get("operation").is_some()).collect();
    assert!(vectors.len() >= 8, "the vector file lost the rollout's operations");
    let text = |v: &Value| v.as_str().unwrap().to_owned();
    let tags = |p: &Value| -> Vec<(String, String)> { p["Tags"].as_array().unwrap().iter().map(|t| (text(&t["Key"]), text(&t["Value"]))).collect() };
    let mut built_operations = Vec::new();
    for v in vectors {
        let (name, p) = (v["name"].as_str().unwrap(), &v["params"]);
        let operation = v["operation"].as_str().unwrap();
        let request = match operation {
            "UntagResource" => {
                let keys: Vec<String> = p["TagKeys"].as_array().unwrap().iter().map(text).collect();
                Request::untag_resource(&text(&p["ResourceArn"]), &keys.iter().map(String::as_str).collect::<Vec<_>>())
            }
            "TagResource" => Request::tag_resource(&text(&p["ResourceArn"]), &tags(p)),
            "ListTagsForResource" => Request::list_tags_for_resource(&text(&p["ResourceArn"])),
            "CreateMulticastGroup" => Request::create_multicast_group(
                &NewMulticastGroup {
                    name: text(&p["Name"]),
                    description: String::new(),
                    rf_region: text(&p["LoRaWAN"]["RfRegion"]),
                    dl_class: text(&p["LoRaWAN"]["DlClass"]),
                    tags: tags(p),
                },
                p["ClientRequestToken"].as_str().unwrap(),
            ),
            "AssociateWirelessDeviceWithMulticastGroup" => {
                Request::associate_wireless_device_with_multicast_group(&text(&p["Id"]), &text(&p["WirelessDeviceId"]))
            }
            "DisassociateWirelessDeviceFromMulticastGroup" => {
                Request::disassociate_wireless_device_from_multicast_group(&text(&p["Id"]), &text(&p["WirelessDeviceId"]))
            }
            "DeleteMulticastGroup" => Request::delete_multicast_group(&text(&p["Id"])),
            "ListWirelessDevices" => Request::list_wireless_devices(&DeviceSource::DeviceProfile(text(&p["DeviceProfileId"])), &PageRequest::first()),
            other => panic!("{name}: no builder for {other}"),
        }
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        built_operations.push(request.operation.name());
        assert_eq!(request.operation.name(), operation, "{name}");
        assert_eq!(request.method().as_str(), v["method"].as_str().unwrap(), "{name}");
        assert_eq!(request.body(), v["body"].as_str(), "{name}: the body");
        let url = v["url"].as_str().unwrap();
        let (origin, botocore_target) =
            url.split_at(url.find("/tags").or_else(|| url.find("/multicast-groups")).or_else(|| url.find("/wireless-devices")).unwrap());
        let ours = request.path_and_query();
        let split = |target: &str| -> (String, Vec<String>) {
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            let mut pairs: Vec<String> = query.split('&').filter(|p| !p.is_empty()).map(str::to_owned).collect();
            pairs.sort();
            (path.to_owned(), pairs)
        };
        assert_eq!(split(&ours), split(botocore_target), "{name}: the same path and query pairs");
        let creds = TemporaryCredentials::new(&text(&v["access_key_id"]), &text(&v["secret_access_key"]), &text(&v["session_token"])).unwrap();
        let time = time_from_epoch_millis(v["epoch_seconds"].as_f64().unwrap() * 1000.0).unwrap();
        let signed = sign_request(request.method().as_str(), &format!("{origin}{ours}"), request.body(), &creds, "us-east-1", time).unwrap();
        let authorization = signed.headers.iter().find(|h| h.name == "authorization").unwrap();
        assert_eq!(Some(authorization.value.as_str()), v["headers"]["authorization"].as_str(), "{name}: botocore's signature");
    }
    built_operations.sort_unstable();
    built_operations.dedup();
    assert_eq!(built_operations.len(), 8, "every new operation of a rollout: {built_operations:?}");
}

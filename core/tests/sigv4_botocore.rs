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
